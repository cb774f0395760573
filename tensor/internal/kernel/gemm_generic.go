package kernel

// gemmGeneric is the portable path: scalar Go shaped so that the compiler keeps the tile in
// registers and drops the bounds checks. A 2×4 tile (8 accumulators) is the largest that the
// compiler keeps in registers without spilling.
var gemmGeneric = gemmKernel{
	mr: 2, nr: 4,
	kc: 256, mc: 64, nc: 512,
	micro: gemmMicroGeneric2x4,
	dot4:  gemvDot4Generic,
	axpy:  gemvAxpyGeneric,
}

// gemmMicroGeneric2x4 is the generic 2×4 micro-kernel (see gemmMicro).
func gemmMicroGeneric2x4(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	a = a[:2*k]
	for p := 0; p < k; p++ {
		ap := (*[2]float32)(a[2*p:])
		bp := (*[4]float32)(b[p*bs:])
		a0, a1 := ap[0], ap[1]
		b0 := bp[0]
		c00 += a0 * b0
		c10 += a1 * b0
		b1 := bp[1]
		c01 += a0 * b1
		c11 += a1 * b1
		b2 := bp[2]
		c02 += a0 * b2
		c12 += a1 * b2
		b3 := bp[3]
		c03 += a0 * b3
		c13 += a1 * b3
	}
	gemmStoreRow4(c[0*ldc:], c00, c01, c02, c03, alpha, beta)
	gemmStoreRow4(c[1*ldc:], c10, c11, c12, c13, alpha, beta)
}

// gemmStoreRow4 writes one row of a tile: c = alpha·acc (+ beta·c).
func gemmStoreRow4(c []float32, v0, v1, v2, v3, alpha, beta float32) {
	r := (*[4]float32)(c)
	if beta == 0 {
		r[0], r[1], r[2], r[3] = alpha*v0, alpha*v1, alpha*v2, alpha*v3
		return
	}
	r[0] = float32(alpha*v0) + float32(beta*r[0])
	r[1] = float32(alpha*v1) + float32(beta*r[1])
	r[2] = float32(alpha*v2) + float32(beta*r[2])
	r[3] = float32(alpha*v3) + float32(beta*r[3])
}

// gemvDot4Generic is the generic dot4: one running sum per row, in order of p.
func gemvDot4Generic(k int, x, r0, r1, r2, r3 []float32) (s0, s1, s2, s3 float32) {
	x = x[:k]
	r0, r1, r2, r3 = r0[:k], r1[:k], r2[:k], r3[:k]
	for p, v := range x {
		s0 += v * r0[p]
		s1 += v * r1[p]
		s2 += v * r2[p]
		s3 += v * r3[p]
	}
	return
}

// gemvAxpyGeneric is the generic axpy: columns in chunks whose running sums live on the stack.
func gemvAxpyGeneric(k int, x, m []float32, ldm int, y []float32, n int, alpha, beta float32) {
	var acc [256]float32
	x = x[:k]
	for j0 := 0; j0 < n; j0 += len(acc) {
		w := min(len(acc), n-j0)
		s := acc[:w]
		clear(s)
		for p, xv := range x {
			row := m[p*ldm+j0:][:w]
			for j, v := range row {
				s[j] += xv * v
			}
		}
		out := y[j0 : j0+w]
		if beta == 0 {
			for j, v := range s {
				out[j] = alpha * v
			}
			continue
		}
		for j, v := range s {
			out[j] = float32(alpha*v) + float32(beta*out[j])
		}
	}
}
