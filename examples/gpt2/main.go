// Command gpt2 generates text with a GPT-2 model stored as a Hugging Face checkpoint
// directory, on package lm's transformer and byte-level BPE tokenizer.
//
// The directory holds config.json and model.safetensors (as GPT2LMHeadModel.save_pretrained
// writes them; F32, F16 or BF16 weights) and the tokenizer, either vocab.json and merges.txt
// (Hugging Face) or encoder.json and vocab.bpe (OpenAI). The released gpt2 (124M), gpt2-medium,
// gpt2-large, gpt2-xl and distilgpt2 checkpoints all have this layout.
//
//	go run ./examples/gpt2 -model DIR -prompt "The meaning of life is" -n 50
//	go run ./examples/gpt2 -model DIR -prompt "Hello" -temperature 0          # greedy
//	go run ./examples/gpt2 -model DIR -prompt "Hello" -n 20 -ids              # token ids
//	go run ./examples/gpt2 -model DIR -prompt "Hello" -json                   # one JSON object
//
// Flags:
//
//	-model DIR        checkpoint directory (required)
//	-tokenizer DIR    tokenizer directory, if not the checkpoint's
//	-prompt TEXT      the text to continue; empty starts from <|endoftext|>, as GPT-2 does
//	-n N              number of tokens to generate (default 50); generation also ends at the
//	                  model's context length, and at <|endoftext|> unless -stop-eos=false
//	-temperature T    sampling temperature (default 0.8); 0 is greedy decoding
//	-top-k K          keep the K most likely tokens (default 40; 0 keeps all)
//	-top-p P          keep the nucleus of probability P (default 0, which keeps all)
//	-seed S           seed of the sampler (default 1)
//	-stop-eos         end the generation when <|endoftext|> is sampled (default true)
//	-ids              print the generated token ids instead of the text
//	-json             print one JSON object (the examples' common schema) instead
//
// Sampling follows lm.Distribution (temperature, then top-k, then top-p, ties broken by lower
// token id), and with the same seed the tokens are exactly those of lm.Generate called with
// rand.New(rand.NewPCG(seed, 0)) on the same prompt.
//
// Without -ids or -json the prompt and then each generated token are written to stdout as they
// are produced. Load time, prompt length and speed go to stderr: prefill is the one batched
// pass over the prompt (tokens/s = prompt tokens per second of that pass), decode the
// single-token passes that follow, one per generated token after the first, and sampling the
// time spent turning logits into tokens. The -json object holds the same numbers in its
// "timing" table and the text and ids in its "generation" table. The ids are exact; the
// text, a JSON string, has any invalid UTF-8 (a token can end inside a multi-byte character)
// replaced by U+FFFD.
//
// Errors (a missing directory or file, a malformed checkpoint, a bad flag) are printed on
// stderr and the command exits with status 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/tenet-ml/tenet/lm"
)

// endOfText is GPT-2's end-of-text token, also the start of an unconditional generation.
const endOfText = "<|endoftext|>"

// options are the parsed command-line flags.
type options struct {
	model, tokenizer string
	prompt           string
	n                int
	temperature      float64
	topK             int
	topP             float64
	seed             uint64
	stopEOS          bool
	ids, json        bool
}

// parseFlags parses args into options; errors are returned, not printed, except the usage
// text for -h, which goes to stderr.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("gpt2", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.model, "model", "", "Hugging Face GPT-2 checkpoint `directory` (config.json, model.safetensors)")
	fs.StringVar(&o.tokenizer, "tokenizer", "", "tokenizer `directory` (vocab.json + merges.txt or encoder.json + vocab.bpe); default: -model")
	fs.StringVar(&o.prompt, "prompt", "Hello, I'm a language model,", "prompt `text`; empty starts from <|endoftext|>")
	fs.IntVar(&o.n, "n", 50, "number of tokens to generate")
	fs.Float64Var(&o.temperature, "temperature", 0.8, "sampling temperature; 0 is greedy")
	fs.IntVar(&o.topK, "top-k", 40, "keep the `K` most likely tokens; 0 keeps all")
	fs.Float64Var(&o.topP, "top-p", 0, "keep the nucleus of probability `P`; 0 or 1 keeps all")
	fs.Uint64Var(&o.seed, "seed", 1, "sampler seed")
	fs.BoolVar(&o.stopEOS, "stop-eos", true, "stop when <|endoftext|> is generated")
	fs.BoolVar(&o.ids, "ids", false, "print the generated token ids instead of the text")
	fs.BoolVar(&o.json, "json", false, "print one JSON object in the examples' common schema")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gpt2 -model DIR [-prompt TEXT] [-n N] [-temperature T] [-top-k K] [-top-p P] [-seed S] [-ids] [-json]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q (quote the prompt: -prompt \"...\")", fs.Arg(0))
	case o.model == "":
		return o, errors.New("-model DIR is required (a Hugging Face GPT-2 directory)")
	case o.n < 1:
		return o, fmt.Errorf("-n %d: must be at least 1", o.n)
	case !(o.temperature >= 0) || math.IsInf(o.temperature, 1):
		return o, fmt.Errorf("-temperature %v: must be finite and >= 0", o.temperature)
	case o.topK < 0:
		return o, fmt.Errorf("-top-k %d: must be >= 0", o.topK)
	case !(o.topP >= 0 && o.topP <= 1):
		return o, fmt.Errorf("-top-p %v: must be in [0, 1]", o.topP)
	case o.ids && o.json:
		return o, errors.New("-ids and -json are exclusive (the JSON object holds the ids)")
	}
	if o.tokenizer == "" {
		o.tokenizer = o.model
	}
	return o, nil
}

// timing is one row of the timing table.
type timing struct {
	Phase      string  `json:"phase"`
	Tokens     int     `json:"tokens"`
	Seconds    float64 `json:"seconds"`
	TokensPerS float64 `json:"tokens_per_s"`
}

// generation is the one row of the generation table.
type generation struct {
	Prompt    string  `json:"prompt"`
	PromptIDs []int   `json:"prompt_ids"`
	Text      string  `json:"text"`
	IDs       []int   `json:"ids"`
	Tokens    int     `json:"tokens"`
	Stop      string  `json:"stop"`
	LogProb   float64 `json:"logprob"`
}

// result is the common JSON schema of the examples.
type result struct {
	Example  string         `json:"example"`
	Seed     uint64         `json:"seed"`
	Config   map[string]any `json:"config"`
	Tables   tables         `json:"tables"`
	Findings []any          `json:"findings"`
}

type tables struct {
	Generation []generation `json:"generation"`
	Timing     []timing     `json:"timing"`
	Model      []modelRow   `json:"model"`
}

// modelRow describes the loaded checkpoint.
type modelRow struct {
	Dir     string `json:"dir"`
	Params  int    `json:"params"`
	Layers  int    `json:"layers"`
	Heads   int    `json:"heads"`
	Width   int    `json:"width"`
	Vocab   int    `json:"vocab"`
	Context int    `json:"context"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpt2:", err)
		os.Exit(1)
	}
}

// run is the whole command: it parses args, loads the model and tokenizer, generates, and
// writes the result to stdout and progress and speed to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context whose cancellation (an interrupt) ends the generation
// early; what was generated so far is still printed.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	for _, d := range []struct{ flag, dir string }{{"-model", o.model}, {"-tokenizer", o.tokenizer}} {
		st, err := os.Stat(d.dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("%s %s: no such directory", d.flag, d.dir)
		case err != nil:
			return fmt.Errorf("%s: %w", d.flag, err)
		case !st.IsDir():
			return fmt.Errorf("%s %s: not a directory", d.flag, d.dir)
		}
	}

	t0 := time.Now()
	model, err := lm.LoadGPT2(o.model)
	if err != nil {
		return err
	}
	tok, err := lm.LoadBPEDir(o.tokenizer)
	if err != nil {
		return err
	}
	loadTime := time.Since(t0)
	cfg := model.Config()
	if tok.VocabSize() > cfg.VocabSize {
		return fmt.Errorf("the tokenizer has %d tokens but the model only %d", tok.VocabSize(), cfg.VocabSize)
	}
	fmt.Fprintf(stderr, "loaded %s in %.2f s: %.1fM parameters, %d layers, %d heads, width %d, vocabulary %d, context %d\n",
		o.model, loadTime.Seconds(), float64(model.NumParams())/1e6, cfg.Layers, cfg.Heads, cfg.Width, cfg.VocabSize, cfg.MaxLen)

	eos, hasEOS := tok.TokenID(endOfText)
	prompt := tok.Encode(o.prompt)
	if len(prompt) == 0 {
		if !hasEOS {
			return fmt.Errorf("empty prompt and the tokenizer has no %s token to start from", endOfText)
		}
		prompt = []int{eos}
	}
	if len(prompt) >= cfg.MaxLen {
		return fmt.Errorf("the prompt has %d tokens; the model's context is %d, leaving no room to generate", len(prompt), cfg.MaxLen)
	}
	fmt.Fprintf(stderr, "prompt: %d tokens\n", len(prompt))

	g := newGenerator(model, tok.VocabSize(), o)
	if o.stopEOS && hasEOS {
		g.stop = eos
	}
	stream := !o.ids && !o.json
	if stream {
		if _, err := io.WriteString(stdout, tok.Decode(prompt)); err != nil {
			return err
		}
		g.emit = func(t int) error {
			_, err := stdout.Write(tok.DecodeBytes(t))
			return err
		}
	}
	if err := g.generate(ctx, prompt); err != nil {
		return err
	}
	if stream {
		if _, err := io.WriteString(stdout, "\n"); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "interrupted")
	}

	rows := g.timings()
	for _, r := range rows {
		fmt.Fprintf(stderr, "%-8s %5d tokens in %8.3f s  %9.1f tokens/s\n", r.Phase+":", r.Tokens, r.Seconds, r.TokensPerS)
	}
	fmt.Fprintf(stderr, "stop: %s\n", g.reason)

	switch {
	case o.ids:
		s := make([]string, len(g.out))
		for i, t := range g.out {
			s[i] = strconv.Itoa(t)
		}
		_, err := fmt.Fprintln(stdout, strings.Join(s, " "))
		return err
	case o.json:
		res := result{
			Example: "gpt2",
			Seed:    o.seed,
			Config: map[string]any{
				"model": o.model, "tokenizer": o.tokenizer, "prompt": o.prompt, "n": o.n,
				"temperature": o.temperature, "top_k": o.topK, "top_p": o.topP, "stop_eos": o.stopEOS,
			},
			Tables: tables{
				Generation: []generation{{
					Prompt: o.prompt, PromptIDs: prompt, Text: tok.Decode(g.out), IDs: g.out,
					Tokens: len(g.out), Stop: g.reason, LogProb: g.logProb,
				}},
				Timing: append([]timing{{Phase: "load", Seconds: loadTime.Seconds()}}, rows...),
				Model: []modelRow{{
					Dir: o.model, Params: model.NumParams(), Layers: cfg.Layers, Heads: cfg.Heads,
					Width: cfg.Width, Vocab: cfg.VocabSize, Context: cfg.MaxLen,
				}},
			},
			Findings: []any{},
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return nil
}

// generator continues one prompt token by token, timing the prefill pass, the decode passes
// and the sampling separately.
type generator struct {
	model lm.Model
	vocab int // tokens the tokenizer can decode; model logits beyond it are never sampled
	opts  lm.SamplingOptions
	n     int
	stop  int // stop token, or -1
	rng   *rand.Rand
	emit  func(tok int) error // called with each token as it is generated, if not nil

	out     []int
	logProb float64
	reason  string

	prefill, decode, sample     time.Duration
	prefillTokens, decodeTokens int
}

// newGenerator returns a generator whose sampler is seeded as lm.Generate seeds the generator
// of its first prompt from rand.New(rand.NewPCG(o.seed, 0)), so both draw the same tokens.
func newGenerator(m lm.Model, vocab int, o options) *generator {
	top := rand.New(rand.NewPCG(o.seed, 0))
	s1 := top.Uint64()
	s2 := top.Uint64()
	return &generator{
		model: m, vocab: vocab, n: o.n, stop: -1,
		opts: lm.SamplingOptions{Temperature: o.temperature, TopK: o.topK, TopP: o.topP},
		rng:  rand.New(rand.NewPCG(s1, s2)),
	}
}

// generate feeds the prompt in one pass, then samples and feeds tokens until n are generated,
// the stop token is sampled, the context is full or ctx is canceled.
func (g *generator) generate(ctx context.Context, prompt []int) error {
	maxLen := g.model.MaxLen()
	st := g.model.NewState()
	t := time.Now()
	rows := st.Append(prompt)
	g.prefill = time.Since(t)
	g.prefillTokens = len(prompt)
	logits := rows[len(rows)-1]
	var dist []float32
	one := []int{0}
	for {
		if ctx.Err() != nil {
			g.reason = "canceled"
			return nil
		}
		t = time.Now()
		row := logits[:g.vocab]
		for i, l := range row {
			if l != l {
				return fmt.Errorf("the model produced a NaN logit (token %d at position %d): the checkpoint's weights are not usable", i, st.Len())
			}
		}
		dist = lm.Distribution(dist, row, g.opts)
		tok := lm.Sample(dist, g.rng)
		g.logProb += math.Log(float64(dist[tok]))
		g.sample += time.Since(t)
		g.out = append(g.out, tok)
		if g.emit != nil {
			if err := g.emit(tok); err != nil {
				return err
			}
		}
		switch {
		case tok == g.stop:
			g.reason = lm.StopToken.String()
			return nil
		case len(g.out) >= g.n:
			g.reason = lm.StopMaxNewTokens.String()
			return nil
		case len(prompt)+len(g.out) >= maxLen:
			g.reason = lm.StopMaxLen.String()
			return nil
		}
		one[0] = tok
		t = time.Now()
		logits = st.Append(one)[0]
		g.decode += time.Since(t)
		g.decodeTokens++
	}
}

// timings returns the prefill, decode, sampling and overall rows of the timing table; the
// overall rate is generated tokens per second of prefill, decode and sampling together.
func (g *generator) timings() []timing {
	row := func(phase string, n int, d time.Duration) timing {
		r := timing{Phase: phase, Tokens: n, Seconds: d.Seconds()}
		if d > 0 {
			r.TokensPerS = float64(n) / d.Seconds()
		}
		return r
	}
	return []timing{
		row("prefill", g.prefillTokens, g.prefill),
		row("decode", g.decodeTokens, g.decode),
		row("sampling", len(g.out), g.sample),
		row("total", len(g.out), g.prefill+g.decode+g.sample),
	}
}
