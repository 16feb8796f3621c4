# Bank jawaban untuk menyimulasikan peserta pada __ASSIGNMENT__ (tidak pernah dirilis ke peserta).
# Untuk setiap sel jawaban (grade_id): varian jawaban, yang terbaik lebih dulu, dengan nilai yang
# dirancang untuk setiap sel uji. `kosong` = jawaban tidak diisi.
assignment: __ASSIGNMENT__
notebook: __ASSIGNMENT__
answers:
  jawaban_jumlah_pengaduan:
    benar:
      source: |
        def jumlah_pengaduan(df):
            return len(df)
      expected: {test_jumlah_pengaduan: 1, test_jumlah_pengaduan_tersembunyi: 1}
    angka_ditulis_tangan:
      source: |
        def jumlah_pengaduan(df):
            return 480
      expected: {test_jumlah_pengaduan: 1, test_jumlah_pengaduan_tersembunyi: 0}
    kosong:
      expected: {test_jumlah_pengaduan: 0, test_jumlah_pengaduan_tersembunyi: 0}
  refleksi:
    lengkap:
      manual: true
      manual_score: {refleksi: 2}
      source: |
        Kami akan menghitung pengaduan setiap Senin dan melaporkannya dalam rapat staf.
    kosong:
      expected: {refleksi: 0}
