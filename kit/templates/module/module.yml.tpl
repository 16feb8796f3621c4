# Modul kurikulum: satu pelajaran (notebook) dan satu tugas bernilai nbgrader.
# id: pengenal tetap modul; jp: jam pelajaran (1 JP = 45 menit) yang diperoleh bila tugas lulus.
id: __MODULE_ID__
title: __TITLE__
jp: __JP__
lessons:
  - __FOLDER__.ipynb
assignment: __ASSIGNMENT__
# Kode kompetensi yang dibuktikan sel-sel bernilai tugas ini (lihat kit/data/competencies.yml).
competencies:
  - DATA.OLAH
  - KOMUNIKASI.REKOMENDASI
