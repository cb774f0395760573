package tensor_test

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

func ExampleAdamUpdate() {
	param := []float32{1, -1}
	grad := []float32{0.5, -0.25}
	m, v := make([]float32, 2), make([]float32, 2)
	// The first step of Adam moves every parameter by about lr against its gradient's sign.
	tensor.AdamUpdate(param, grad, m, v, tensor.NewAdamParams(0.1, 0.9, 0.999, 1e-8, 0, 1))
	fmt.Printf("%.4f %.4f\n", param[0], param[1])
	// Output: 0.9000 -0.9000
}
