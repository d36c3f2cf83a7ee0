"""A click group standing in for ``ler-verifier``'s main group, carrying only the registry's commands
(the registry is tested without the verifier core)."""

import click

from trust_registry.cli import keys_group, registry_group


@click.group()
def main():
    """Stands in for the ler-verifier main group."""


main.add_command(registry_group, "registry")
main.add_command(keys_group, "keys")
