//go:build !purego

package kernel

func init() {
	gemmAVX512.smallN = gemmSmallNAVX512Go
	gemmAVX2.smallN = gemmSmallNAVX2Go
}

//go:noescape
func gemmSmallNAVX512(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc, rows int, mask uint64, alpha, beta float32)

//go:noescape
func gemmSmallN8AVX512(k int, a0, a1, a2, a3, a4, a5, a6, a7, b *float32, ldb int, c *float32, ldc, rows int, mask uint64, alpha, beta float32)

// gemmSmallNAVX512Go is the AVX-512 gemmSmallNFunc. Up to four rows take one 4×64 kernel
// call; five to eight take two 8×32 calls, which read B once with fewer wasted multiplies
// than two 4-row passes. Either way every column is the same chain of fused multiply-adds.
func gemmSmallNAVX512Go(k, rows int, a []float32, lda int, b []float32, ldb int, c []float32, ldc, cols int, alpha, beta float32) {
	_, _, _ = a[(rows-1)*lda+k-1], b[(k-1)*ldb+cols-1], c[(rows-1)*ldc+cols-1]
	if rows > 4 {
		var ar [8]*float32
		for r := range ar {
			ar[r] = &a[min(r, rows-1)*lda]
		}
		for j := 0; j < cols; j += 32 {
			w := min(32, cols-j)
			mask := uint64(1)<<w - 1
			gemmSmallN8AVX512(k, ar[0], ar[1], ar[2], ar[3], ar[4], ar[5], ar[6], ar[7], &b[j], ldb, &c[j], ldc, rows, mask, alpha, beta)
		}
		return
	}
	var ar [4]*float32
	for r := range ar {
		ar[r] = &a[min(r, rows-1)*lda]
	}
	mask := uint64(1)<<cols - 1
	gemmSmallNAVX512(k, ar[0], ar[1], ar[2], ar[3], &b[0], ldb, &c[0], ldc, rows, mask, alpha, beta)
}

//go:noescape
func gemmSmallN16AVX2(k int, a0, a1, a2, a3, b *float32, ldb int, c *float32, ldc, rows int, alpha, beta float32)

// gemmSmallNAVX2Go is the AVX2 gemmSmallNFunc: 16-column strips in assembly; a last partial
// strip is copied into a scratch strip and its result written back from a scratch tile, with
// the same arithmetic.
func gemmSmallNAVX2Go(k, rows int, a []float32, lda int, b []float32, ldb int, c []float32, ldc, cols int, alpha, beta float32) {
	if rows > 4 {
		gemmSmallNAVX2Go(k, 4, a, lda, b, ldb, c, ldc, cols, alpha, beta)
		gemmSmallNAVX2Go(k, rows-4, a[4*lda:], lda, b, ldb, c[4*ldc:], ldc, cols, alpha, beta)
		return
	}
	_, _, _ = a[(rows-1)*lda+k-1], b[(k-1)*ldb+cols-1], c[(rows-1)*ldc+cols-1]
	var ar [4]*float32
	for r := range ar {
		ar[r] = &a[min(r, rows-1)*lda]
	}
	full := cols / 16 * 16
	for j := 0; j < full; j += 16 {
		_ = b[(k-1)*ldb+j+15]
		gemmSmallN16AVX2(k, ar[0], ar[1], ar[2], ar[3], &b[j], ldb, &c[j], ldc, rows, alpha, beta)
	}
	if full == cols {
		return
	}
	w := cols - full
	s := getGemvScratch(16 * k)
	strip := (*s)[:16*k]
	for p := range k {
		d := strip[p*16 : p*16+16]
		copy(d, b[p*ldb+full:p*ldb+cols])
		clear(d[w:])
	}
	var t [4 * 16]float32
	gemmSmallN16AVX2(k, ar[0], ar[1], ar[2], ar[3], &strip[0], 16, &t[0], 16, rows, 1, 0)
	putGemvScratch(s)
	gemmWriteBack(rows, w, t[:], 16, c[full:], ldc, alpha, beta)
}
