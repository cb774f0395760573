package checkpoint_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/autodiff/checkpoint"
	"github.com/tenet-ml/tenet/autodiff/optim"
	"github.com/tenet-ml/tenet/tensor"
)

type Config struct {
	Layers int     `json:"layers"`
	LR     float64 `json:"lr"`
}

// Save a training state (parameters, Adam's moments, the step, the data generator and the
// configuration) and restore it into a fresh model.
func Example() {
	dir, _ := os.MkdirTemp("", "ckpt")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "step-100.safetensors")

	w := &autodiff.Var{Value: tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2), Grad: tensor.Full(0.5, 2, 2), RequiresGrad: true}
	params := []autodiff.Param{{Name: "fc.weight", Var: w}}
	opt := optim.NewAdam(params, optim.AdamConfig{LR: 0.1})
	opt.Step()
	src := rand.NewPCG(1, 2)
	err := checkpoint.Save(path, checkpoint.Checkpoint{
		Params: params, Optimizer: opt, Step: 100,
		RNG:    map[string]checkpoint.RandState{"data": src},
		Config: Config{Layers: 2, LR: 0.1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	next := rand.New(src).IntN(1000)

	// Resume elsewhere: build the same model, then load into it.
	w2 := &autodiff.Var{Value: tensor.New(2, 2), RequiresGrad: true}
	params2 := []autodiff.Param{{Name: "fc.weight", Var: w2}}
	opt2 := optim.NewAdam(params2, optim.AdamConfig{})
	src2 := rand.NewPCG(0, 0)
	var cfg Config
	ck := checkpoint.Checkpoint{Params: params2, Optimizer: opt2,
		RNG: map[string]checkpoint.RandState{"data": src2}, Config: &cfg}
	if err := checkpoint.Load(path, &ck); err != nil {
		fmt.Println(err)
		return
	}
	s, _ := opt2.State("fc.weight")
	fmt.Println("step:", ck.Step, "config:", cfg, "lr:", opt2.LR())
	fmt.Println("weight:", w2.Value)
	fmt.Println("exp_avg:", s.Buffers["exp_avg"], "adam steps:", s.Step)
	fmt.Println("same random stream:", rand.New(src2).IntN(1000) == next)
	// Output:
	// step: 100 config: {2 0.1} lr: 0.1
	// weight: [[0.9 1.9] [2.9 3.9]]
	// exp_avg: [[0.05 0.05] [0.05 0.05]] adam steps: 1
	// same random stream: true
}

// Read any safetensors file, such as a Hugging Face model.safetensors, tensor by tensor.
func ExampleOpen() {
	f, err := checkpoint.Open("testdata/torch.safetensors")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		fmt.Println(name, info.Dtype, info.Shape)
	}
	half, _ := f.Tensor("half") // F16, converted to float32
	fmt.Println(half.Data()[:3])
	// Output:
	// bf16 BF16 [8]
	// counter I64 [3]
	// empty F32 [0 5]
	// half F16 [2 6]
	// scalar F32 []
	// weight F32 [3 4]
	// [1 -2.5 65504]
}
