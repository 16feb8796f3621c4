"""Learning-hour ledger: outside learning import with precise errors, module JP, yearly totals."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from kit.competency.jp import (
    ExternalRecord,
    JpImportError,
    import_external,
    jp_ledger,
    jp_per_learner,
    module_completions,
    read_external,
)
from kit.core import read_events
from kit.core.project import project_root
from kit.course.curriculum import CurriculumError, Module, load_modules

TODAY = dt.date(2026, 11, 29)
HEADER = "username,tanggal_mulai,tanggal_selesai,penyelenggara,judul,jp,jenis\n"
USERS = ["ani", "budi"]


def write(tmp_path, lines, name="luar.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_records_are_imported_and_kept(tmp_path):
    path = write(
        tmp_path,
        [
            "ani,2026-03-02,2026-03-03,Universitas Sumatera Utara,Workshop Data,12,universitas",
            "budi,05/05/2026,05/05/2026,PT Telkom Indonesia,Literasi Digital,5,swasta",
        ],
    )
    added = import_external(tmp_path, path, USERS, today=TODAY)
    assert [(r.username, r.tanggal_mulai, r.jp) for r in added] == [
        ("ani", "2026-03-02", 12.0),
        ("budi", "2026-05-05", 5.0),
    ]
    assert read_external(tmp_path / "jp_external.csv") == added
    (event,) = read_events(tmp_path)
    assert (event["event"], event["added"], event["people"]) == ("jp.import", 2, 2)


def test_every_impossible_or_duplicate_record_is_rejected_with_its_line(tmp_path):
    import_external(
        tmp_path,
        write(tmp_path, ["ani,2026-03-02,2026-03-02,USU,Workshop Data,6,universitas"], "a.csv"),
        USERS,
        today=TODAY,
    )
    before = (tmp_path / "jp_external.csv").read_bytes()
    lines = [
        "budi,2026-04-01,2026-04-01,BSSN,Keamanan Siber,6,pemerintah",  # line 2: fine
        "cici,2026-04-01,2026-04-01,BSSN,Keamanan Siber,6,pemerintah",  # 3: unknown learner
        "budi,2026-04-10,2026-04-08,USU,Kelas Excel,4,universitas",  # 4: end before start
        "budi,2026-12-20,2026-12-21,USU,Kelas Python,4,universitas",  # 5: in the future
        "budi,2026-05-01,2026-05-01,USU,Maraton,14,universitas",  # 6: 14 JP in one day
        "budi,2026-05-02,2026-05-02,USU,Nol,0,universitas",  # 7: not positive
        "budi,2026-05-03,2026-05-03,USU,Teks,banyak,universitas",  # 8: not a number
        "budi,2026-04-01,2026-04-01,BSSN,keamanan siber,6,pemerintah",  # 9: duplicate of 2
        "ani,2026-03-02,2026-03-02,USU,Workshop Data,6,universitas",  # 10: already recorded
        "budi,31-02-2026,2026-03-01,USU,Tanggal,2,universitas",  # 11: bad date
        "budi,2026-06-01,2026-06-01,,Tanpa penyelenggara,2,kursus",  # 12: organiser, kind
    ]
    with pytest.raises(JpImportError) as caught:
        import_external(tmp_path, write(tmp_path, lines), USERS, today=TODAY)
    error = caught.value
    assert error.summary == (
        "Impor JP dibatalkan: 10 baris bermasalah. Tidak ada catatan yang ditambahkan."
    )
    reasons = {}
    for line, reason in error.problems:
        reasons.setdefault(line, []).append(reason)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert reasons[3] == ["username 'cici' tidak ada di daftar peserta"]
    assert reasons[4] == ["tanggal selesai 2026-04-08 lebih awal dari tanggal mulai 2026-04-10"]
    assert "belum terjadi" in reasons[5][0]
    assert reasons[6] == ["14 JP dalam 1 hari tidak mungkin (paling banyak 10 JP, 10 JP per hari)"]
    assert reasons[7] == ["JP harus lebih dari 0 (tertulis 0)"]
    assert reasons[8] == ["JP 'banyak' bukan angka"]
    assert "sudah ada di baris 2" in reasons[9][0]
    assert "sudah tercatat sebelumnya" in reasons[10][0]
    assert "tanggal '31-02-2026' tidak sah" in reasons[11][0]
    assert len(reasons[12]) == 2
    assert "Baris 3: username 'cici'" in str(error)
    # nothing was added
    assert (tmp_path / "jp_external.csv").read_bytes() == before


def test_missing_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("username,jp\nani,3\n")
    with pytest.raises(JpImportError, match="tanggal_mulai, tanggal_selesai, penyelenggara, judul"):
        import_external(tmp_path, path, USERS, today=TODAY)


MODULE = Module("m03", "Pengaduan", 3.0, "tugas03", (), (), project_root())


def scores(rows):
    return pd.DataFrame(
        rows, columns=["username", "assignment", "score", "max_score", "timestamp"]
    ).assign(timestamp=lambda f: pd.to_datetime(f["timestamp"]))


def test_module_jp_needs_the_pass_share_exactly_or_more():
    done = module_completions(
        scores(
            [
                ("ani", "tugas03", 6.0, 10.0, "2026-03-01 10:00"),  # exactly 60%: passes
                ("budi", "tugas03", 5.9, 10.0, "2026-03-01 10:00"),  # just under: no JP
                ("ani", "lain", 10.0, 10.0, "2026-03-01 10:00"),  # not a module's assignment
            ]
        ),
        [MODULE],
        pass_share=0.6,
    )
    assert done[["username", "module_id", "jp"]].to_dict("records") == [
        {"username": "ani", "module_id": "m03", "jp": 3.0}
    ]


def test_yearly_totals_against_the_target():
    done = module_completions(
        scores([("ani", "tugas03", 9.0, 10.0, "2026-03-01 10:00")]), [MODULE], 0.6
    )

    records = [
        ExternalRecord("ani", "2026-02-01", "2026-02-02", "USU", "A", 12.0, "universitas"),
        ExternalRecord("ani", "2025-12-30", "2025-12-30", "USU", "Lama", 6.0, "universitas"),
        ExternalRecord("budi", "2026-06-01", "2026-06-01", "BSSN", "B", 5.0, "pemerintah"),
    ]
    ledger = jp_ledger(done, records)
    assert sorted(ledger["year"].unique()) == [2025, 2026]
    learners = pd.DataFrame({"username": ["ani", "budi", "cici"], "unit": ["LBD", "KEC", "TJN"]})
    totals = jp_per_learner(ledger, learners, 2026, target=20).set_index("username")
    assert totals.at["ani", "jp_modules"] == 3.0 and totals.at["ani", "jp_external"] == 12.0
    assert totals.at["ani", "jp_total"] == 15.0 and not totals.at["ani", "met"]
    assert totals.at["budi", "jp_total"] == 5.0
    assert totals.at["cici", "jp_total"] == 0.0  # no record at all, still listed


def test_shipped_modules_declare_jp(tmp_path):
    modules = load_modules(project_root() / "courses")
    assert modules and all(m.jp > 0 for m in modules)
    broken = tmp_path / "99_rusak"
    broken.mkdir()
    (broken / "module.yml").write_text("id: m99\ntitle: Rusak\njp: tiga\nassignment: x\n")
    expected = (
        f"Berkas {broken / 'module.yml'} tidak sah: jp (baris 3): "
        "harus berupa angka, bukan teks 'tiga'"
    )
    with pytest.raises(CurriculumError, match=re.escape(expected)):
        load_modules(tmp_path)
