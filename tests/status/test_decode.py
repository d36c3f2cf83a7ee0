"""Decoding: base64url / multibase, capped GZIP (a bomb stops in milliseconds), MSB-first bit order."""

from __future__ import annotations

import gzip
import time

import pytest

from tests.status.helpers import bitstring, encode, gzip_bomb
from verifier import constants as C
from verifier.errors import CheckNotPossible, MalformedValue, StatusVerificationFailed
from verifier.status.decode import (decode_base64url, decode_multibase_base64url, gunzip_capped, status_value)


def test_round_trip_multibase_and_plain():
    raw = bitstring([0, 5, 131_071])
    assert gunzip_capped(decode_multibase_base64url(encode(raw))) == raw
    assert gunzip_capped(decode_base64url(encode(raw, multibase=False))) == raw


@pytest.mark.parametrize("text", ["", "abc+def", "abc/def", "a b", "abcde", None, 42])
def test_base64url_refuses_other_text(text):
    with pytest.raises(StatusVerificationFailed):
        decode_base64url(text)


def test_multibase_needs_the_u_prefix():
    with pytest.raises(StatusVerificationFailed, match="start with 'u'"):
        decode_multibase_base64url(encode(bitstring(), multibase=False))


@pytest.mark.parametrize("data, match", [
    (b"not gzip at all", "not GZIP"),
    (gzip.compress(b"x" * 100)[:-12], "truncated"),
    (gzip.compress(b"x" * 100) + b"trailing", "trailing"),
    (b"\x1f\x8b\x08\x00" + b"\xff" * 40, "corrupt"),
])
def test_bad_gzip_is_a_verification_error(data, match):
    with pytest.raises(StatusVerificationFailed, match=match):
        gunzip_capped(data)


def test_several_gzip_members_are_read_in_turn():
    assert gunzip_capped(gzip.compress(b"ab") + gzip.compress(b"cd")) == b"abcd"


def test_gzip_bomb_refused_within_milliseconds():
    bomb = gzip_bomb()  # 64 MiB when inflated, ~64 KiB compressed
    started = time.process_time()  # CPU time: holds on a loaded machine
    with pytest.raises(CheckNotPossible) as info:
        gunzip_capped(bomb, max_bytes=4 * 1024 * 1024)
    elapsed = time.process_time() - started
    assert info.value.problem_code == C.PROBLEM_STATUS_RETRIEVAL_ERROR
    assert elapsed < 1.0, f"bomb took {elapsed * 1000:.1f} ms of CPU"  # inflating 64 MiB fully takes far more


def test_multi_member_bomb_counts_every_member():
    member = gzip.compress(bytes(1024 * 1024))
    with pytest.raises(CheckNotPossible):
        gunzip_capped(member * 8, max_bytes=4 * 1024 * 1024)
    assert len(gunzip_capped(member * 4, max_bytes=4 * 1024 * 1024)) == 4 * 1024 * 1024


def test_bit_zero_is_the_most_significant_bit_of_byte_zero():
    raw = bytes([0b1000_0000, 0b0000_0001])
    assert status_value(raw, 0) == 1
    assert [status_value(raw, i) for i in range(1, 7)] == [0] * 6
    assert status_value(raw, 15) == 1
    assert status_value(raw, 8) == 0


def test_multi_bit_values_read_big_endian():
    raw = bitstring(bits=64, size=2, values={0: 0b10, 1: 0b01, 5: 0b11})
    assert [status_value(raw, i, 2) for i in range(8)] == [2, 1, 0, 0, 0, 3, 0, 0]
    raw = bitstring(bits=64, size=3, values={3: 0b101})  # crosses a byte boundary (bits 9..11)
    assert status_value(raw, 3, 3) == 5


@pytest.mark.parametrize("index, size", [(16, 1), (8, 2), (6, 3)])
def test_index_outside_the_list_is_a_range_error(index, size):
    with pytest.raises(MalformedValue) as info:
        status_value(bytes(2), index, size)
    assert info.value.problem_code == C.PROBLEM_RANGE_ERROR
