package tensor_test

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// Tensors are shapes over contiguous row-major data; Reshape and Row are views.
func Example() {
	x := tensor.Arange(0, 6, 1).Reshape(2, 3)
	fmt.Println(x, x.Shape(), x.At(1, 2))
	x.Row(0).Fill(-1) // writes through to x
	fmt.Println(x)
	fmt.Println(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2).Data())
	// Output:
	// [[0 1 2] [3 4 5]] [2 3] 5
	// [[-1 -1 -1] [3 4 5]]
	// [1 2 3 4]
}

// A bias of shape (3) broadcasts over a batch of shape (2,3); ReduceTo brings a gradient of
// the batch's shape back to the bias's shape.
func ExampleAdd_broadcasting() {
	batch := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	bias := tensor.FromSlice([]float32{10, 20, 30}, 3)
	fmt.Println(tensor.Add(batch, bias))
	fmt.Println(tensor.BroadcastShapes([]int{4, 1, 3}, []int{5, 1}))
	fmt.Println(tensor.ReduceTo(tensor.Ones(2, 3), 3))
	// Output:
	// [[11 22 33] [14 25 36]]
	// [4 5 3]
	// [2 2 2]
}

func ExampleMatMul() {
	a := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float32{1, 0, 0, 1, 1, 1}, 3, 2)
	fmt.Println(tensor.MatMul(a, b))
	fmt.Println(tensor.MatMulT(a, a, false, true)) // a·aᵀ
	// Output:
	// [[4 5] [10 11]]
	// [[14 32] [32 77]]
}

// Gemm works on plain slices, BLAS style: here C = 2·A·Bᵀ + C for 2×2 matrices.
func ExampleGemm() {
	a := []float32{1, 2, 3, 4}
	b := []float32{1, 1, 0, 1} // stored 2×2, used transposed
	c := []float32{100, 100, 100, 100}
	tensor.Gemm(false, true, 2, 2, 2, 2, a, 2, b, 2, 1, c, 2)
	fmt.Println(c)
	// Output:
	// [106 104 114 108]
}

// ExampleRowDots computes the dot products of two rows of A with three rows of B.
func ExampleRowDots() {
	a := []float32{
		1, 2, 3,
		0, 1, 0,
	}
	b := []float32{
		1, 0, 0,
		0, 1, 0,
		1, 1, 1,
	}
	c := make([]float32, 2*3)
	tensor.RowDots(2, 3, 3, 1, a, 3, b, 3, 0, c, 3)
	fmt.Println(c[:3])
	fmt.Println(c[3:])
	// Output:
	// [1 2 6]
	// [0 1 1]
}

func ExampleSoftmax() {
	logits := tensor.FromSlice([]float32{1e4, 1e4, -1e4, 0}, 2, 2)
	fmt.Println(tensor.Softmax(logits))
	fmt.Println(tensor.ArgMax(logits, -1))
	// Output:
	// [[0.5 0.5] [0 1]]
	// [0 1]
}

func ExampleTakeAlong() {
	q := tensor.FromSlice([]float32{0.1, 0.9, 0.5, 0.3}, 2, 2) // Q(s, a) for 2 states
	actions := []int{1, 0}
	fmt.Println(tensor.TakeAlong(q, 1, actions))
	// Output:
	// [0.9 0.5]
}
