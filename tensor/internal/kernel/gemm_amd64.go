//go:build !purego

package kernel

// The amd64 paths: assembly micro-kernels with the shared Go driver.

// gemmAVX512 uses a 14×32 tile: 28 zmm accumulators, one broadcast A value and two B vectors.
// A 14×kc A panel (14 KiB) stays in L1 while the 32-column B panels stream from the kc×nc B
// block (512 KiB) in L2.
var gemmAVX512 = gemmKernel{
	mr: 14, nr: 32,
	kc: 256, mc: 14 * 24, nc: 512,
	micro:     gemmMicroAVX512,
	micro8:    gemmMicro8AVX512,
	microA:    gemmMicroStridedAVX512,
	pack:      gemmPackRowsAVX512Go,
	narrow:    gemmNarrowAVX512,
	transpose: transposeAVX512,
	dot4:      gemvDot4AVX512Go,
	axpy:      gemvAxpyAVX512Go,
}

// gemmAVX2 uses a 6×16 tile: 12 ymm accumulators, one broadcast A value and two B vectors,
// with the same blocking as gemmAVX512.
var gemmAVX2 = gemmKernel{
	mr: 6, nr: 16,
	kc: 256, mc: 6 * 24, nc: 512,
	micro:  gemmMicroAVX2,
	microA: gemmMicroStridedAVX2,
	pack:   gemmPackRowsAVX2Go,
	dot4:   gemvDot4AVX2Go,
	axpy:   gemvAxpyAVX2Go,
}

func init() {
	// Filled whatever the processor: Gemm only dispatches to supported paths.
	gemmKernels[AVX2] = &gemmAVX2
	gemmKernels[AVX512] = &gemmAVX512
}

//go:noescape
func gemmMicro6x16AVX2(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmMicro6x16StridedAVX2(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

// gemmMicroStridedAVX2 is the AVX2 microA.
func gemmMicroStridedAVX2(k int, a []float32, ars, aps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[5*ars+(k-1)*aps]
	gemmMicro6x16StridedAVX2(k, &a[0], ars, aps, &b[0], bs, &c[0], ldc, alpha, beta)
}

// gemmMicroAVX2 is the AVX2 gemmMicro.
func gemmMicroAVX2(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	gemmMicro6x16AVX2(k, &a[0], &b[0], bs, &c[0], ldc, alpha, beta)
}

//go:noescape
func gemmMicro14x32AVX512(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmMicro14x32StridedAVX512(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

// gemmMicroStridedAVX512 is the AVX-512 microA.
func gemmMicroStridedAVX512(k int, a []float32, ars, aps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	_ = a[13*ars+(k-1)*aps]
	gemmMicro14x32StridedAVX512(k, &a[0], ars, aps, &b[0], bs, &c[0], ldc, alpha, beta)
}

//go:noescape
func gemmMicro8x32AVX512(k int, a, b *float32, bs int, c *float32, ldc int, alpha, beta float32)

// gemmMicro8AVX512 is the AVX-512 micro8.
func gemmMicro8AVX512(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	gemmMicro8x32AVX512(k, &a[0], &b[0], bs, &c[0], ldc, alpha, beta)
}

// gemmMicroAVX512 is the AVX-512 gemmMicro.
func gemmMicroAVX512(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	gemmMicro14x32AVX512(k, &a[0], &b[0], bs, &c[0], ldc, alpha, beta)
}

//go:noescape
func gemmPackRowsAVX512(kb int, src *float32, ld int, dst *float32, rows, width int)

//go:noescape
func gemmPackT16AVX512(blocks int, src *float32, ld int, dst *float32, width, rows, lanes int)

// transposeAVX512 is the AVX-512 transpose: 16×16 tiles transposed in registers (the packing
// kernel, storing rows of ldd floats), and the last cols mod 16 columns one by one.
func transposeAVX512(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if int64(ldd)*int64(cols) >= 1<<31 || int64(lds)*int64(rows) >= 1<<31 {
		transposeGeneric(dst, ldd, src, lds, rows, cols)
		return
	}
	_ = dst[(cols-1)*ldd+rows-1]
	_ = src[(rows-1)*lds+cols-1]
	blocks := cols / 16
	for r0 := 0; r0 < rows; r0 += 16 {
		rr := min(16, rows-r0)
		if blocks > 0 {
			gemmPackT16AVX512(blocks, &src[r0*lds], lds, &dst[r0], ldd, rr, rr)
		}
	}
	if done := blocks * 16; done < cols {
		transposeGeneric(dst[done*ldd:], ldd, src[done:], lds, rows, cols-done)
	}
}

// gemmPackRowsAVX512Go is gemmPackRows for AVX-512: 16×16 transposes in registers for whole
// groups of 16 steps, gathers for the rest.
func gemmPackRowsAVX512Go(d []float32, width int, src []float32, ld, rows, kb int) {
	if kb == 0 {
		return
	}
	if width > 32 || int64(width)*int64(ld) >= 1<<31 {
		gemmPackRows(d, width, src, ld, rows, kb)
		return
	}
	_ = d[kb*width-1]
	if rows > 0 {
		_ = src[(rows-1)*ld+kb-1]
	}
	blocks := kb / 16
	if blocks > 0 {
		// Rows 0–15 into lanes 0–15, rows 16–31 into lanes 16–31.
		for half := 0; half*16 < width; half++ {
			r := min(max(rows-half*16, 0), 16)
			s := &src[0]
			if r > 0 {
				s = &src[half*16*ld]
			}
			gemmPackT16AVX512(blocks, s, ld, &d[half*16], width, r, min(width-half*16, 16))
		}
	}
	if done := blocks * 16; done < kb {
		s := &src[0]
		if rows > 0 {
			s = &src[done]
		}
		gemmPackRowsAVX512(kb-done, s, ld, &d[done*width], rows, width)
	}
}

//go:noescape
func gemvDot4AVX512(k int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)

//go:noescape
func gemvAxpyAVX512(k int, x, m *float32, ldm int, y *float32, n int, alpha, beta float32)

// gemvDot4AVX512Go is the AVX-512 dot4 (k ≥ 1).
func gemvDot4AVX512Go(k int, x, r0, r1, r2, r3 []float32) (s0, s1, s2, s3 float32) {
	_, _, _, _, _ = x[k-1], r0[k-1], r1[k-1], r2[k-1], r3[k-1]
	return gemvDot4AVX512(k, &x[0], &r0[0], &r1[0], &r2[0], &r3[0])
}

//go:noescape
func gemvAccRowsAVX512(k int, x, m *float32, ldm int, acc *float32, n int)

// gemvAxpyAVX512Go is the AVX-512 axpy (k ≥ 1). Narrow products keep their sums in registers
// (gemvAxpyAVX512); wide ones sweep four rows at a time across a scratch row of sums
// (gemvAccRowsAVX512), which reads the matrix sequentially. Both take every sum in order of p
// with fused multiply-adds and round the write-back the same way, so the choice, which
// depends on n, does not change any bits.
func gemvAxpyAVX512Go(k int, x, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	if n == 0 {
		return
	}
	_, _, _ = x[k-1], m[(k-1)*ldm+n-1], y[n-1]
	if n < gemvAccRowsMin {
		gemvAxpyAVX512(k, &x[0], &m[0], ldm, &y[0], n, alpha, beta)
		return
	}
	s := getGemvScratch(n)
	acc := (*s)[:n]
	clear(acc)
	gemvAccRowsAVX512(k, &x[0], &m[0], ldm, &acc[0], n)
	gemmWriteBack(1, n, acc, n, y, n, alpha, beta)
	putGemvScratch(s)
}

//go:noescape
func gemvDot4AVX2(k int, x, r0, r1, r2, r3 *float32) (s0, s1, s2, s3 float32)

//go:noescape
func gemvAxpyAVX2(k int, x, m *float32, ldm int, y *float32, n int, alpha, beta float32)

// gemvDot4AVX2Go is the AVX2 dot4 (k ≥ 1).
func gemvDot4AVX2Go(k int, x, r0, r1, r2, r3 []float32) (s0, s1, s2, s3 float32) {
	_, _, _, _, _ = x[k-1], r0[k-1], r1[k-1], r2[k-1], r3[k-1]
	return gemvDot4AVX2(k, &x[0], &r0[0], &r1[0], &r2[0], &r3[0])
}

// gemvAxpyAVX2Go is the AVX2 axpy (k ≥ 1).
func gemvAxpyAVX2Go(k int, x, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	if n == 0 {
		return
	}
	_, _, _ = x[k-1], m[(k-1)*ldm+n-1], y[n-1]
	gemvAxpyAVX2(k, &x[0], &m[0], ldm, &y[0], n, alpha, beta)
}

//go:noescape
func gemmPackT8AVX2(blocks int, src *float32, ld int, dst *float32, width, rows int)

// gemmPackRowsAVX2Go is gemmPackRows for AVX2: 8×8 transposes in registers for whole groups of
// 8 steps, the generic code for the rest.
func gemmPackRowsAVX2Go(d []float32, width int, src []float32, ld, rows, kb int) {
	if kb == 0 {
		return
	}
	_ = d[kb*width-1]
	if rows > 0 {
		_ = src[(rows-1)*ld+kb-1]
	}
	blocks := kb / 8
	if width%8 != 0 {
		// The transposes write 8 floats per step: leave at least one step to the generic code
		// so that the spill past the last one stays inside d.
		blocks = (kb - 1) / 8
	}
	if blocks > 0 {
		// Rows 0–7 into lanes 0–7, rows 8–15 into lanes 8–15, and so on.
		for half := 0; half*8 < width; half++ {
			r := min(max(rows-half*8, 0), 8)
			s := &src[0]
			if r > 0 {
				s = &src[half*8*ld]
			}
			gemmPackT8AVX2(blocks, s, ld, &d[half*8], width, r)
		}
	}
	if done := blocks * 8; done < kb {
		var s []float32
		if rows > 0 {
			s = src[done:]
		}
		gemmPackRows(d[done*width:], width, s, ld, rows, kb-done)
	}
}

//go:noescape
func gemmMicro14x16NarrowAVX512(k int, a *float32, ars, aps int, b *float32, bs int, c *float32, ldc int, alpha, beta float32, cols int)

// gemmNarrowAVX512 is the AVX-512 narrow kernel (14 rows, at most 16 columns).
func gemmNarrowAVX512(k int, a []float32, ars, aps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32, cols int) {
	_ = a[13*ars+(k-1)*aps]
	_ = b[(k-1)*bs+cols-1]
	_ = c[13*ldc+cols-1]
	gemmMicro14x16NarrowAVX512(k, &a[0], ars, aps, &b[0], bs, &c[0], ldc, alpha, beta, cols)
}
