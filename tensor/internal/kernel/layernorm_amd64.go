//go:build !purego

package kernel

// layerNormSumsAVX512 returns Σ dn and Σ dn·norm over the first n8 = len(x) &^ 7 elements
// (dn = dy·g, or dy when g is nil; norm = (x − m)·rs), in float64 with eight lanes each.
//
//go:noescape
func layerNormSumsAVX512(dy, x, g []float32, m, rs float32) (sd, sdn float64)

// layerNormApplyAVX512 sets dx += rs·(dn − dm − norm·dnm) over the first len(x) &^ 15
// elements.
//
//go:noescape
func layerNormApplyAVX512(dx, dy, x, g []float32, m, rs, dm, dnm float32)

func init() {
	layerNormGradImpl[AVX512] = layerNormGradAVX512
}

func layerNormGradAVX512(dx, dy, x, g []float32, m, rs float32) {
	n := len(x)
	dy, dx = dy[:n], dx[:n]
	if g != nil {
		g = g[:n]
	}
	sd, sdn := layerNormSumsAVX512(dy, x, g, m, rs)
	for i := n &^ 7; i < n; i++ {
		dn := dy[i]
		if g != nil {
			dn *= g[i]
		}
		sd += float64(dn)
		sdn += float64(dn) * float64((x[i]-m)*rs)
	}
	d := float64(n)
	dm, dnm := float32(sd/d), float32(sdn/d)
	layerNormApplyAVX512(dx, dy, x, g, m, rs, dm, dnm)
	for i := n &^ 15; i < n; i++ {
		dn := dy[i]
		if g != nil {
			dn *= g[i]
		}
		dx[i] += rs * (dn - dm - (x[i]-m)*rs*dnm)
	}
}
