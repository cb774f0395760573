package tensor

import (
	"fmt"
	"slices"
)

// MatMul returns the matrix product a·b. For rank-2 operands a is m×k and b is k×n. For rank-3
// operands a is (batch, m, k) and b is (batch, k, n), one product per batch entry; a rank-3 a
// with a rank-2 b multiplies every batch entry by the same b. It panics if the inner
// dimensions differ.
func MatMul(a, b *Tensor) *Tensor { return MatMulT(a, b, false, false) }

// MatMulT returns op(a)·op(b), where op transposes the last two axes of its operand when the
// corresponding flag is set. The transposes are folded into the product, never materialised.
// Ranks are as for MatMul.
func MatMulT(a, b *Tensor, transA, transB bool) *Tensor {
	batch, m, n, _ := matmulShape("MatMul", a, b, transA, transB)
	var dst *Tensor
	if batch < 0 {
		dst = New(m, n)
	} else {
		dst = New(batch, m, n)
	}
	matmulInto(dst, a, b, transA, transB, 0)
	return dst
}

// MatMulInto writes op(a)·op(b) into dst, which must have the shape MatMulT would return, and
// returns dst. With accumulate set it adds the product to dst's contents instead.
func MatMulInto(dst, a, b *Tensor, transA, transB, accumulate bool) *Tensor {
	batch, m, n, _ := matmulShape("MatMulInto", a, b, transA, transB)
	want := []int{m, n}
	if batch >= 0 {
		want = []int{batch, m, n}
	}
	if !slices.Equal(dst.shape, want) {
		panic(fmt.Sprintf("tensor: MatMulInto: destination %v, product is %v", dst.shape, want))
	}
	var beta float32
	if accumulate {
		beta = 1
	}
	matmulInto(dst, a, b, transA, transB, beta)
	return dst
}

func matmulInto(dst, a, b *Tensor, transA, transB bool, beta float32) {
	batch, m, n, k := matmulShape("MatMul", a, b, transA, transB)
	lda, ldb := a.shape[a.Rank()-1], b.shape[b.Rank()-1]
	if batch < 0 || (b.Rank() == 2 && !transA) {
		// One product: a rank-3 a against a shared b flattens to (batch·m)×k.
		rows := m * max(batch, 1)
		Gemm(transA, transB, rows, n, k, 1, a.data, lda, b.data, ldb, beta, dst.data, n)
		return
	}
	aStride, bStride := m*k, k*n
	if b.Rank() == 2 {
		bStride = 0
	}
	for i := range batch {
		Gemm(transA, transB, m, n, k, 1, a.data[i*aStride:], lda, b.data[i*bStride:], ldb, beta, dst.data[i*m*n:], n)
	}
}

// matmulShape checks the operands of a product and returns its batch size (-1 for a plain
// matrix product), m, n and k.
func matmulShape(op string, a, b *Tensor, transA, transB bool) (batch, m, n, k int) {
	ra, rb := a.Rank(), b.Rank()
	if ra < 2 || ra > 3 || rb < 2 || rb > 3 || (ra == 2 && rb == 3) {
		panic(fmt.Sprintf("tensor: %s: %v × %v: want rank-2 or rank-3 operands", op, a.shape, b.shape))
	}
	batch = -1
	if ra == 3 {
		batch = a.shape[0]
		if rb == 3 && b.shape[0] != batch {
			panic(fmt.Sprintf("tensor: %s: %v × %v: batch sizes differ", op, a.shape, b.shape))
		}
	}
	m, k = a.shape[ra-2], a.shape[ra-1]
	if transA {
		m, k = k, m
	}
	kb, n := b.shape[rb-2], b.shape[rb-1]
	if transB {
		kb, n = n, kb
	}
	if k != kb {
		panic(fmt.Sprintf("tensor: %s: %v × %v: inner dimensions differ", op, a.shape, b.shape))
	}
	return batch, m, n, k
}
