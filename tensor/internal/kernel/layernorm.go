package kernel

// LayerNorm backward, one row at a time.

var layerNormGradImpl = [numPaths]func(dx, dy, x, g []float32, m, rs float32){
	layerNormGradGeneric, layerNormGradGeneric, layerNormGradGeneric,
}

// LayerNormGrad adds one row's input gradient of layer normalisation to dx. With
// norm = (x − m)·rs and dn = g·dy (dy where g is nil), over the n = len(x) elements:
//
//	dx += rs·(dn − mean(dn) − norm·mean(dn·norm))
//
// Each product is rounded to float32 as written; the two means are sums of the float32 terms
// accumulated in float64 (the vector path sums eight lanes in parallel with fused
// multiply-adds, so the sums may differ from the generic path's in their last float64 bits).
// dy and g (when not nil) are at least as long as x.
func LayerNormGrad(dx, dy, x, g []float32, m, rs float32) {
	layerNormGradImpl[active](dx, dy, x, g, m, rs)
}

func layerNormGradGeneric(dx, dy, x, g []float32, m, rs float32) {
	dy, dx = dy[:len(x)], dx[:len(x)]
	d := float64(len(x))
	var sd, sdn float64
	if g == nil {
		for i, v := range x {
			dn := dy[i]
			sd += float64(dn)
			sdn += float64(dn) * float64((v-m)*rs)
		}
		dm, dnm := float32(sd/d), float32(sdn/d)
		for i, v := range x {
			dx[i] += rs * (dy[i] - dm - (v-m)*rs*dnm)
		}
		return
	}
	g = g[:len(x)]
	for i, v := range x {
		dn := dy[i] * g[i]
		sd += float64(dn)
		sdn += float64(dn) * float64((v-m)*rs)
	}
	dm, dnm := float32(sd/d), float32(sdn/d)
	for i, v := range x {
		dx[i] += rs * (dy[i]*g[i] - dm - (v-m)*rs*dnm)
	}
}
