package kernel

// gemmGeneric is the portable path: scalar Go shaped so that the compiler keeps the tile in
// registers and drops the bounds checks. A 1×8 tile (eight accumulators, one A value, B read
// from memory by the multiplies) measures best: larger tiles make the compiler spill.
var gemmGeneric = gemmKernel{
	mr: 1, nr: 8,
	kc: 256, mc: 64, nc: 512,
	micro: gemmMicroGeneric1x8,
	dot4:  gemvDot4Generic,
	axpy:  gemvAxpyGeneric,

	smallN:     gemmSmallNGeneric,
	smallPackB: true,
}

// gemmMicroGeneric1x8 is the generic 1×8 micro-kernel (see gemmMicro), two k steps per
// iteration.
func gemmMicroGeneric1x8(k int, a, b []float32, bs int, c []float32, ldc int, alpha, beta float32) {
	var c0, c1, c2, c3, c4, c5, c6, c7 float32
	a = a[:k]
	p := 0
	if bs == 8 {
		b = b[:8*k]
		for ; p+2 <= k; p += 2 {
			ap := (*[2]float32)(a[p:])
			bp := (*[16]float32)(b[8*p:])
			av := ap[0]
			c0 += av * bp[0]
			c1 += av * bp[1]
			c2 += av * bp[2]
			c3 += av * bp[3]
			c4 += av * bp[4]
			c5 += av * bp[5]
			c6 += av * bp[6]
			c7 += av * bp[7]
			av = ap[1]
			c0 += av * bp[8]
			c1 += av * bp[9]
			c2 += av * bp[10]
			c3 += av * bp[11]
			c4 += av * bp[12]
			c5 += av * bp[13]
			c6 += av * bp[14]
			c7 += av * bp[15]
		}
	}
	for ; p < k; p++ {
		av := a[p]
		bp := (*[8]float32)(b[p*bs:])
		c0 += av * bp[0]
		c1 += av * bp[1]
		c2 += av * bp[2]
		c3 += av * bp[3]
		c4 += av * bp[4]
		c5 += av * bp[5]
		c6 += av * bp[6]
		c7 += av * bp[7]
	}
	gemmStoreRow4(c[0:], c0, c1, c2, c3, alpha, beta)
	gemmStoreRow4(c[4:], c4, c5, c6, c7, alpha, beta)
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
