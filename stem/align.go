package stem

import "math"

// Align estimates the translation d that carries the atoms of frame a onto those of frame b
// (b ≈ a + d), for drifts up to maxShift ångström. Candidate shifts are the displacements from
// a few atoms near the centre of a to every atom of b within maxShift; each candidate is scored
// by the number of atoms of a that land within 0.35 Å of an atom of b, and the best is refined
// by averaging the matched displacements. It returns d and the fraction of a's atoms matched
// (0 when either frame is empty). A honeycomb maps onto itself only under translations of at
// least 2.46 Å, so drifts below about 1.2 Å are recovered unambiguously.
func Align(a, b []Vec, maxShift float64) (d Vec, inliers float64) {
	if len(a) == 0 || len(b) == 0 {
		return Vec{}, 0
	}
	hb := newSpatialHash(b, BondLength)
	var c Vec
	for _, p := range a {
		c = c.Add(p)
	}
	c = c.Scale(1 / float64(len(a)))
	// The seeds: up to six atoms of a nearest its centroid.
	seeds := nearestK(a, c, 6)
	const tol = 0.35
	score := func(d Vec) int {
		n := 0
		var buf [8]int
		for _, p := range a {
			if len(hb.within(b, p.Add(d), tol, buf[:0])) > 0 {
				n++
			}
		}
		return n
	}
	best, bestN := Vec{}, -1
	var buf [64]int
	for _, i := range seeds {
		for _, j := range hb.within(b, a[i], maxShift, buf[:0]) {
			cand := b[j].Sub(a[i])
			if n := score(cand); n > bestN || (n == bestN && cand.Norm() < best.Norm()) {
				best, bestN = cand, n
			}
		}
	}
	if bestN <= 0 {
		return Vec{}, 0
	}
	d = best
	for range 2 {
		var sum Vec
		n := 0
		var nb [8]int
		for _, p := range a {
			q := p.Add(d)
			bi, bd := -1, math.Inf(1)
			for _, j := range hb.within(b, q, tol, nb[:0]) {
				if dd := dist2(b[j], q); dd < bd {
					bi, bd = j, dd
				}
			}
			if bi >= 0 {
				sum = sum.Add(b[bi].Sub(p))
				n++
			}
		}
		if n == 0 {
			break
		}
		d = sum.Scale(1 / float64(n))
		inliers = float64(n) / float64(len(a))
	}
	return d, inliers
}

// nearestK returns the indices of the k points of pts nearest c (fewer if pts is shorter).
func nearestK(pts []Vec, c Vec, k int) []int {
	idx := make([]int, 0, k+1)
	for i, p := range pts {
		d := dist2(p, c)
		pos := len(idx)
		for pos > 0 && dist2(pts[idx[pos-1]], c) > d {
			pos--
		}
		if pos < k {
			idx = append(idx, 0)
			copy(idx[pos+1:], idx[pos:])
			idx[pos] = i
			if len(idx) > k {
				idx = idx[:k]
			}
		}
	}
	return idx
}
