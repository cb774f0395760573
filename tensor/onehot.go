package tensor

import "fmt"

// OneHot returns the (len(ids), n) matrix whose row i is 1 at column ids[i] and 0 elsewhere.
// It panics if n is negative or an id is outside [0, n).
func OneHot(ids []int, n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("tensor: OneHot: %d classes", n))
	}
	out := New(len(ids), n)
	for i, id := range ids {
		if id < 0 || id >= n {
			panic(fmt.Sprintf("tensor: OneHot: id %d at position %d out of range for %d classes", id, i, n))
		}
		out.data[i*n+id] = 1
	}
	return out
}
