package task_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet/lm/task"
)

// Generate an arithmetic problem and verify the human solution and two model outputs.
func ExampleArithmetic() {
	arith, err := task.NewArithmetic(task.DefaultArithOptions())
	if err != nil {
		panic(err)
	}
	p, err := arith.Sample(rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Prompt + p.Solution)
	fmt.Println(arith.Verify(p, p.Solution))
	fmt.Println(arith.Verify(p, "####"+p.Answer+" because"))
	fmt.Println(arith.Verify(p, "I think it is 3"))
	// Output:
	// Q:79-2*0 A:2*0=0;79-0=79####79
	// 1
	// 0
	// 0
}

// Generate a program-synthesis problem and verify programs against its hidden tests.
func ExamplePrograms() {
	progs, err := task.NewPrograms(task.DefaultProgramOptions())
	if err != nil {
		panic(err)
	}
	p, err := progs.Sample(rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Prompt)
	fmt.Println(p.Solution, progs.Verify(p, p.Solution))
	fmt.Println(len(p.Tests), "hidden tests")
	fmt.Println(progs.Verify(p, "sort|sum"))
	fmt.Println(progs.Verify(p, "map(x*2"))
	// Output:
	// [5,1,7,9,4]>6;[7,9,8,7,2,7]>16;[4,8,8,8]>12;[2,2,2]>4 P:
	// take(2)|sum 1
	// 8 hidden tests
	// 0
	// 0
}

// Parse and run a program of the list language.
func ExampleParse() {
	prog, err := task.Parse(" map(x*2) | filter(x>3) | sort | take(2) | sum ")
	if err != nil {
		panic(err)
	}
	v, err := prog.Run([]int64{5, 1, 2, 9}, task.Limits{})
	fmt.Println(prog, v, err)

	_, err = task.Parse("map(x*2)|sum|sort")
	fmt.Println(err)

	max, _ := task.Parse("filter(x>100)|max")
	_, err = max.Run([]int64{1, 2}, task.Limits{})
	fmt.Println(err)
	// Output:
	// map(x*2)|filter(x>3)|sort|take(2)|sum 14 <nil>
	// task: program syntax error at offset 12: sum returns a number and must be the last stage
	// task: max or min of an empty list
}

// Unbiased pass@k from 20 samples, 3 of them correct.
func ExamplePassAtK() {
	for _, k := range []int{1, 5, 10, 18} {
		fmt.Printf("pass@%d = %.4f\n", k, task.PassAtK(20, 3, k))
	}
	// Output:
	// pass@1 = 0.1500
	// pass@5 = 0.6009
	// pass@10 = 0.8947
	// pass@18 = 1.0000
}

// Majority voting over normalised arithmetic answers.
func ExampleMajorityCorrect() {
	arith, _ := task.NewArithmetic(task.DefaultArithOptions())
	p := task.Problem{Prompt: "Q:23*4+17 A:", Answer: "109"}
	samples := []string{
		"23*4=92;92+17=109####109",
		"23*4=82;82+17=99####99",
		"####0109",
		"23*4=92;92+17=109####",
	}
	fmt.Println(task.MajorityVote([]string{"109", "99", "109", ""}))
	fmt.Println(task.MajorityCorrect(arith, p, samples))
	// Output:
	// 109 2
	// true
}

// Disjoint splits of a task, and a metric summarised over seeds.
func ExampleMakeSplits() {
	arith, _ := task.NewArithmetic(task.DefaultArithOptions())
	splits, err := task.MakeSplits(arith, task.DefaultSplitSizes(), rand.New(rand.NewPCG(7, 0)))
	if err != nil {
		panic(err)
	}
	fmt.Println(len(splits.Train), len(splits.Validation), len(splits.Test))
	fmt.Println(splits.Test[0].Prompt)

	sft := task.Summarize([]float64{0.30, 0.31, 0.29})
	rest := task.Summarize([]float64{0.40, 0.42, 0.41})
	fmt.Println(rest, "beats", sft, "=", rest.Beats(sft))
	// Output:
	// 2000 200 500
	// Q:8*2-9+65 A:
	// 0.4100 ± 0.0058 (n=3) beats 0.3000 ± 0.0058 (n=3) = true
}

// Splits disjoint by problem: with a small vocabulary of two-stage programs, every test
// function also occurs in training, with other examples.
func ExamplePrograms_FunctionOverlap() {
	opts := task.DefaultProgramOptions()
	opts.MinOps, opts.MaxOps = 2, 2
	opts.Vocabulary = []string{"map(x+1)", "map(x*2)", "filter(x>4)", "sort", "reverse", "take(2)", "sum", "max"}
	opts.SplitByProblem = true
	progs, err := task.NewPrograms(opts)
	if err != nil {
		panic(err)
	}
	s, err := task.MakeSplits(progs, task.SplitSizes{Train: 400, Validation: 20, Test: 50}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("test problems whose function is in the training split: %.0f%%\n", 100*progs.FunctionOverlap(s.Train, s.Test))
	// Output: test problems whose function is in the training split: 100%
}

// Generate a free-order problem and verify worked solutions in different orders: the
// verifier checks every step, not only the answer.
func ExampleFreeOrder() {
	fo, err := task.NewFreeOrder(task.DefaultFreeOrderOptions())
	if err != nil {
		panic(err)
	}
	p, err := fo.Sample(rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Prompt+p.Solution, fo.Verify(p, p.Solution))
	q := task.Problem{Prompt: "Q:7+5+9+3 A:", Answer: "24"}
	fmt.Println(fo.Verify(q, "3+9=12;5+7=12;12+12=24####24"))
	fmt.Println(fo.Verify(q, "7+9=15 no =16;16+3=19;19+5=24####24"))
	fmt.Println(fo.Verify(q, "7+9=15;15+3=19;19+5=24####24"))
	fmt.Println(fo.ValidPrefix(q, "7+9=16;16+3"), fo.ValidPrefix(q, "7+9=16;16+9"))
	// Output:
	// Q:7+7+2+0+4 A:2+7=9;7+4=11;9+11=20;20+0=20####20 1
	// 1
	// 1
	// 0
	// true false
}

// With InOrder the human solutions follow one convention, reading order, for the same
// problems a seed draws without it; the verifier accepts every order either way.
func ExampleFreeOrderOptions_inOrder() {
	o := task.DefaultFreeOrderOptions()
	random, err := task.NewFreeOrder(o)
	if err != nil {
		panic(err)
	}
	o.InOrder = true
	inOrder, err := task.NewFreeOrder(o)
	if err != nil {
		panic(err)
	}
	p, _ := random.Sample(rand.New(rand.NewPCG(1, 2)))
	q, _ := inOrder.Sample(rand.New(rand.NewPCG(1, 2)))
	fmt.Println(p.Prompt + p.Solution)
	fmt.Println(q.Prompt + q.Solution)
	fmt.Println(random.Verify(q, q.Solution), inOrder.Verify(p, p.Solution))
	// Output:
	// Q:7+7+2+0+4 A:2+7=9;7+4=11;9+11=20;20+0=20####20
	// Q:7+7+2+0+4 A:7+7=14;14+2=16;16+0=16;16+4=20####20
	// 1 1
}
