"""Reward rules as data: validation errors and explainable standings."""

from __future__ import annotations

import math
import re
from importlib import resources

import pandas as pd
import pytest
import yaml

from kit.competency.rewards import RuleError, compute_standing, load_rules

RULES = load_rules()


def person(**values):
    base = {
        "username": "ani",
        "unit": "LBD",
        "mastery": 0.9,
        "jp_total": 24.0,
        "implementation_share": 0.75,
        "confirmed": True,
        "confirmed_by": "lurah.lbd",
        "confirmed_at": "2026-10-01T09:00:00+07:00",
    }
    return {**base, **values}


def standing(*people):
    return compute_standing(pd.DataFrame(list(people)), RULES).set_index("username")


def test_kit_rules_load_with_version():
    assert RULES.version == "2026.1"
    assert sum(c.weight for c in RULES.components) == 100
    assert [t.name for t in RULES.tiers] == ["Emas", "Perak", "Perunggu"]


def test_eligible_learner_gets_tier_and_explanation():
    row = standing(person()).loc["ani"]
    # 0.9*40 + 1*20 + 0.75*40 = 36 + 20 + 30 = 86
    assert row["score"] == 86.0
    assert row["tier"] == "Emas" and bool(row["eligible"]) is True
    assert row["penguasaan"] == 36.0 and row["jp"] == 20.0 and row["implementasi"] == 30.0
    assert row["rule_version"] == "2026.1"
    assert row["explanation"] == (
        "Memenuhi syarat penghargaan tingkat Emas. Skor 86 dari 100 (Penguasaan kompetensi 36/40; "
        "Jam pelajaran (JP) 20/20; Implementasi teknologi (aksi perubahan) 30/40). "
        "Implementasi dikonfirmasi oleh lurah.lbd pada 2026-10-01."
    )


def test_exactly_at_a_tier_threshold_reaches_it():
    # 0.625*40 + 20 + 0.625*40 = 25 + 20 + 25 = 70, exactly the Perak minimum
    row = standing(person(mastery=0.625, implementation_share=0.625)).loc["ani"]
    assert row["score"] == 70.0 and row["tier"] == "Perak"
    assert "Kurang 15 poin untuk tingkat Emas." in row["explanation"]


def test_missing_conditions_are_all_named():
    row = standing(
        person(mastery=0.5, jp_total=12.0, confirmed=False, confirmed_by="", confirmed_at="")
    ).loc["ani"]
    assert row["tier"] == "" and bool(row["eligible"]) is False
    assert row["explanation"].startswith(
        "Belum memenuhi syarat: implementasi aksi perubahan belum dikonfirmasi atasan; "
        "JP tahun ini baru 12 dari 20 (kurang 8 JP); penguasaan kompetensi 50% (minimal 60%)."
    )
    # an unconfirmed implementation earns nothing
    assert row["implementasi"] == 0.0


def test_no_evidence_at_all():
    row = standing(
        person(
            mastery=math.nan,
            jp_total=0.0,
            implementation_share=math.nan,
            confirmed=False,
            confirmed_by="",
            confirmed_at="",
        )
    ).loc["ani"]
    assert row["score"] == 0.0
    assert "aksi perubahan belum dinilai instruktur" in row["explanation"]
    assert "JP tahun ini baru 0 dari 20 (kurang 20 JP)" in row["explanation"]


def test_confirmed_but_not_yet_graded_project():
    row = standing(person(implementation_share=math.nan)).loc["ani"]
    assert row["tier"] == "" and row["implementasi"] == 0.0
    assert row["explanation"].startswith(
        "Belum memenuhi syarat: aksi perubahan sudah dikonfirmasi atasan tetapi belum dinilai"
    )


def test_eligible_but_below_every_tier():
    row = standing(person(mastery=0.6, jp_total=20.0, implementation_share=0.2)).loc["ani"]
    # 24 + 20 + 8 = 52 < 55
    assert row["score"] == 52.0 and row["tier"] == ""
    assert row["explanation"].startswith(
        "Memenuhi semua syarat, tetapi skor masih kurang 3 poin untuk tingkat Perunggu."
    )


def _rules_file(tmp_path, change):
    raw = yaml.safe_load(resources.files("kit").joinpath("data/reward_rules.yml").read_text())
    change(raw)
    path = tmp_path / "aturan.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


def test_changing_the_rules_file_changes_the_outcome_without_code(tmp_path):
    def stricter(raw):
        raw["version"] = "2026.2-uji"
        raw["tiers"][0]["min_score"] = 90

    rules = load_rules(_rules_file(tmp_path, stricter))
    row = compute_standing(pd.DataFrame([person()]), rules).iloc[0]
    assert row["tier"] == "Perak" and row["rule_version"] == "2026.2-uji"


LINE = r"( \(baris \d+\))?"


@pytest.mark.parametrize(
    ("change", "where", "expected"),
    [
        (
            lambda r: r["components"][0].update(weight="empat puluh"),
            "components[1].weight",
            "harus berupa angka, bukan teks 'empat puluh'",
        ),
        (
            lambda r: r["components"][0].update(weight=50),
            "components",
            "bobot komponen berjumlah 110, seharusnya 100",
        ),
        (
            lambda r: r["components"][1].update(source="gaji"),
            "components[2].source",
            "'gaji' tidak dikenal; pilih salah satu: 'mastery', 'jp', 'implementation'",
        ),
        (
            lambda r: r["components"][1].update(wieght=20),
            "components[2].wieght",
            "kunci tidak dikenal (maksudnya 'weight'?); kunci yang boleh: id, name, source, weight",
        ),
        (
            lambda r: r["tiers"].reverse(),
            "tiers[2].min_score",
            "urutan tingkat salah: 'Perak' (70) harus di bawah 'Perunggu' (55)",
        ),
        (
            lambda r: r["tiers"][1].update(min_score=85),
            "tiers[2].min_score",
            "urutan tingkat salah: 'Perak' (85)",
        ),
        (
            lambda r: r["eligibility"].append({"kind": "lucky"}),
            "eligibility[4].kind",
            "'lucky' tidak dikenal; pilih salah satu: 'implementation_confirmed', 'jp_min', "
            "'component_min'",
        ),
        (
            lambda r: r["eligibility"].append(
                {"kind": "component_min", "component": "x", "value": 1}
            ),
            "eligibility[4].component",
            "komponen 'x' tidak ada; komponen yang ada: penguasaan, jp, implementasi",
        ),
        (
            lambda r: r["eligibility"].append({"kind": "jp_min"}),
            "eligibility[4].value",
            "wajib ada, tetapi tidak ditulis",
        ),
        (lambda r: r.pop("tiers"), "tiers", "wajib ada, tetapi tidak ditulis"),
        (
            lambda r: r["jp"].update(module_pass_share=1.5),
            "jp.module_pass_share",
            "paling besar 1, bukan 1.5",
        ),
        (
            lambda r: r.update(dashboard={"near_candidate_gap": -5}),
            "dashboard.near_candidate_gap",
            "paling kecil 0, bukan -5",
        ),
        (
            lambda r: r.update(dashboard={"near_candidate_gap": "dekat"}),
            "dashboard.near_candidate_gap",
            "harus berupa angka, bukan teks 'dekat'",
        ),
        (
            lambda r: r.update(dashboard=[15]),
            "dashboard",
            "harus berupa pemetaan (kunci: nilai), bukan daftar",
        ),
    ],
)
def test_rule_mistakes_get_precise_errors(tmp_path, change, where, expected):
    path = _rules_file(tmp_path, change)
    pattern = re.escape(where) + LINE + ": " + re.escape(expected)
    with pytest.raises(RuleError, match=pattern) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"Berkas {path} tidak sah")


def test_invalid_yaml(tmp_path):
    path = tmp_path / "rusak.yml"
    path.write_text("version: [1, 2\n")
    with pytest.raises(RuleError, match=re.escape(f"Berkas {path} tidak sah: baris 2: bukan YAML")):
        load_rules(path)


def test_near_candidate_gap_is_read_from_the_rules(tmp_path):
    assert load_rules().near_candidate_gap == 15
    rules = load_rules(
        _rules_file(tmp_path, lambda r: r.update(dashboard={"near_candidate_gap": 7.5}))
    )
    assert rules.near_candidate_gap == 7.5
