"""NIP structure: birth date, appointment month, gender digit, serial."""

from __future__ import annotations

import datetime as dt

import pytest

from kit.core.messages import message
from kit.people.nip import NipError, mask_nip, parse_nip

TODAY = dt.date(2026, 11, 29)


def test_valid_nip_is_split_into_its_parts():
    parts = parse_nip("198503152010011002", today=TODAY)
    assert parts.birth_date == dt.date(1985, 3, 15)
    assert parts.appointment == (2010, 1)
    assert parts.gender == "L"
    assert parts.serial == 2


def test_spaces_as_printed_on_documents_are_accepted():
    assert parse_nip("19850315 201001 2 002", today=TODAY).gender == "P"


@pytest.mark.parametrize(
    ("nip", "key"),
    [
        ("19850315201001100", "nip.length"),
        ("1985031520100110021", "nip.length"),
        ("19850315201001100A", "nip.not_digits"),
        ("198502302010011002", "nip.birth_date_invalid"),
        ("193001012010011002", "nip.birth_date_implausible"),
        ("201501012010011002", "nip.birth_date_implausible"),
        ("198503152010131002", "nip.appointment_month"),
        ("198503152027011002", "nip.appointment_future"),
        ("198503152001011002", "nip.appointment_too_young"),
        ("198503152010013002", "nip.gender"),
        ("198503152010011000", "nip.serial"),
    ],
)
def test_invalid_nip_names_its_problem(nip, key):
    with pytest.raises(NipError) as caught:
        parse_nip(nip, today=TODAY)
    assert caught.value.key == key
    # every problem has an Indonesian message with its details filled in
    text = message(caught.value.key, **caught.value.details)
    assert "{" not in text and "NIP" in text


def test_mask_keeps_only_first_and_last_digits():
    assert mask_nip("198503152010011002") == "1985***********002"
    assert mask_nip("123") == "***"
