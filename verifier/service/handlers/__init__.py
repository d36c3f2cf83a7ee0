"""Request handlers, thin: parse the request, call the core, render the answer."""
