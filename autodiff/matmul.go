package autodiff

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// MatMul returns the matrix product a·b over the last two axes. a is (…, m, k); b is (k, n),
// shared by every leading index of a, or (…, k, n) with the same leading axes as a (a batched
// product). The result is (…, m, n).
func (tp *Tape) MatMul(a, b *Var) *Var { return tp.MatMulT(a, b, false, false) }

// MatMulT returns op(a)·op(b), where op transposes the last two axes of its operand when the
// corresponding flag is set; the transposes are folded into the product, never materialised.
// Shapes are as for MatMul after applying op.
func (tp *Tape) MatMulT(a, b *Var, transA, transB bool) *Var {
	g := matmulGeom(a.Value.Shape(), b.Value.Shape(), transA, transB)
	var shape [maxRank]int
	ra := a.Value.Rank()
	copy(shape[:], a.Value.Shape()[:ra-2])
	shape[ra-2], shape[ra-1] = g.m, g.n
	rec := tp.recording(a.RequiresGrad || b.RequiresGrad)
	out := tp.newVar(tp.buf(shape[:ra]...), rec)
	g.product(transA, transB, a.Value.Data(), b.Value.Data(), out.Value.Data(), 0)
	if rec {
		r := record{op: opMatMul, out: out, a: a, b: b}
		r.i[0], r.i[1] = b2i(transA), b2i(transB)
		tp.push(r)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mmGeom is the geometry of a (batched) matrix product: batch products of op(A) m×k by op(B)
// k×n; shared reports that B is one matrix used by every batch entry.
type mmGeom struct {
	batch, m, n, k int
	lda, ldb       int
	shared         bool
}

func matmulGeom(as, bs []int, transA, transB bool) mmGeom {
	ra, rb := len(as), len(bs)
	bad := func(why string) {
		panic(fmt.Sprintf("autodiff: MatMul: %v × %v (transA=%v transB=%v): %s", as, bs, transA, transB, why))
	}
	if ra < 2 || rb < 2 || (rb > 2 && rb != ra) {
		bad("want a of rank ≥ 2 and b of rank 2 or of a's rank")
	}
	if ra > maxRank {
		bad("rank too high")
	}
	g := mmGeom{batch: 1, shared: rb == 2}
	for i, d := range as[:ra-2] {
		g.batch *= d
		if rb > 2 && bs[i] != d {
			bad("batch axes differ")
		}
	}
	g.m, g.k = as[ra-2], as[ra-1]
	g.lda = as[ra-1]
	if transA {
		g.m, g.k = g.k, g.m
	}
	kb, n := bs[rb-2], bs[rb-1]
	g.ldb = bs[rb-1]
	if transB {
		kb, n = n, kb
	}
	if kb != g.k {
		bad("inner dimensions differ")
	}
	g.n = n
	return g
}

// product computes C = op(A)·op(B) (+ beta·C) for every batch entry.
func (g mmGeom) product(transA, transB bool, a, b, c []float32, beta float32) {
	if g.shared && !transA {
		tensor.Gemm(false, transB, g.batch*g.m, g.n, g.k, 1, a, g.lda, b, g.ldb, beta, c, g.n)
		return
	}
	sa, sb, sc := g.m*g.k, g.k*g.n, g.m*g.n
	if g.shared {
		sb = 0
	}
	for i := range g.batch {
		tensor.Gemm(transA, transB, g.m, g.n, g.k, 1, a[i*sa:], g.lda, b[i*sb:], g.ldb, beta, c[i*sc:], g.n)
	}
}

// matmulBackward: for C = op(A)·op(B) with output gradient G,
//
//	no transposes: dA = G·Bᵀ,     dB = Aᵀ·G
//	transA:        dA = B·Gᵀ,     dB = A·G
//	transB:        dA = G·B,      dB = Gᵀ·A
//	both:          dA = Bᵀ·Gᵀ,    dB = Gᵀ·Aᵀ
//
// With a shared B, dB sums the batch entries' contributions.
func matmulBackward(tp *Tape, r *record) { matmulBackwardFrom(tp, r, r.out.Grad.Data()) }

// matmulBackwardFrom is matmulBackward with the product's output gradient dc given.
func matmulBackwardFrom(tp *Tape, r *record, dc []float32) {
	transA, transB := r.i[0] == 1, r.i[1] == 1
	g := matmulGeom(r.a.Value.Shape(), r.b.Value.Shape(), transA, transB)
	a, b := r.a.Value.Data(), r.b.Value.Data()
	sa, sb, sc := g.m*g.k, g.k*g.n, g.m*g.n
	if g.shared {
		sb = 0
	}
	// A gradient new to this pass is assigned (β = 0) rather than zeroed and accumulated. dA is
	// complete before dB is requested, so A = B gets both contributions.
	if da, fresh := tp.gradFirst(r.a); da != nil {
		beta := float32(1)
		if fresh {
			beta = 0
		}
		// dA has A's storage shape: m×k, or k×m when transA.
		if g.shared && !transA {
			rows := g.batch * g.m
			if transB {
				tensor.Gemm(false, false, rows, g.k, g.n, 1, dc, g.n, b, g.ldb, beta, da, g.k)
			} else {
				tensor.Gemm(false, true, rows, g.k, g.n, 1, dc, g.n, b, g.ldb, beta, da, g.k)
			}
		} else {
			for i := range g.batch {
				ai, bi, ci := da[i*sa:], b[i*sb:], dc[i*sc:]
				switch {
				case !transA && !transB:
					tensor.Gemm(false, true, g.m, g.k, g.n, 1, ci, g.n, bi, g.ldb, beta, ai, g.k)
				case !transA && transB:
					tensor.Gemm(false, false, g.m, g.k, g.n, 1, ci, g.n, bi, g.ldb, beta, ai, g.k)
				case transA && !transB:
					tensor.Gemm(false, true, g.k, g.m, g.n, 1, bi, g.ldb, ci, g.n, beta, ai, g.m)
				default:
					tensor.Gemm(true, true, g.k, g.m, g.n, 1, bi, g.ldb, ci, g.n, beta, ai, g.m)
				}
			}
		}
	}
	if db, fresh := tp.gradFirst(r.b); db != nil {
		beta := float32(1)
		if fresh {
			beta = 0
		}
		// dB has B's storage shape: k×n, or n×k when transB.
		if g.shared && !transA {
			rows := g.batch * g.m
			if transB {
				tensor.Gemm(true, false, g.n, g.k, rows, 1, dc, g.n, a, g.lda, beta, db, g.k)
			} else {
				tensor.Gemm(true, false, g.k, g.n, rows, 1, a, g.lda, dc, g.n, beta, db, g.n)
			}
			return
		}
		if g.batch == 0 && fresh {
			clear(db)
		}
		for i := range g.batch {
			if i > 0 && sb == 0 {
				beta = 1 // a shared B sums the batch entries' contributions
			}
			ai, bi, ci := a[i*sa:], db[i*sb:], dc[i*sc:]
			switch {
			case !transA && !transB:
				tensor.Gemm(true, false, g.k, g.n, g.m, 1, ai, g.lda, ci, g.n, beta, bi, g.n)
			case transA && !transB:
				tensor.Gemm(false, false, g.k, g.n, g.m, 1, ai, g.lda, ci, g.n, beta, bi, g.n)
			case !transA && transB:
				tensor.Gemm(true, false, g.n, g.k, g.m, 1, ci, g.n, ai, g.lda, beta, bi, g.k)
			default:
				tensor.Gemm(true, true, g.n, g.k, g.m, 1, ci, g.n, ai, g.lda, beta, bi, g.k)
			}
		}
	}
}
