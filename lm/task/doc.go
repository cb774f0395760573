// Package task provides verifiable tasks and evaluation metrics for self-training with
// binary feedback, as in ReST-EM ("Beyond Human Data", Singh et al., arXiv 2312.06585).
//
// A Task generates problems with a seed, verifies proposed solutions (it is a
// tenet.Verifier[Problem, string]) and normalises their final answers for majority voting.
// Each Problem carries a prompt, a human-written worked solution (the limited supervised
// data) and its final answer. MakeSplits draws disjoint train, validation and test splits.
// Two tasks are built in, small stand-ins for the paper's MATH and APPS: arithmetic
// reasoning with a chain of thought, and program synthesis from input→output examples in a
// tiny list language. A third, free-order arithmetic, has many valid worked solutions per
// problem and checks every step; it serves on-policy distillation (GKD), whose argument
// needs valid outputs that differ from the human ones. The metrics are pass@k, majority-vote accuracy maj@k and a mean with
// standard error for reporting over seeds.
//
// Everything random takes a *rand.Rand (math/rand/v2): the same seed gives the same
// problems. The tasks are immutable and safe for concurrent use.
//
// # Arithmetic reasoning
//
// A problem is an expression of non-negative integers joined by + - * (no parentheses, no
// unary minus), evaluated with the usual precedence: * binds tighter than + and -, and
// operators of equal precedence associate to the left. The prompt and the human solution
// are
//
//	prompt:   Q:23*4+17 A:
//	solution: 23*4=92;92+17=109####109
//
// The solution is one worked step per operator, "a op b=c", joined by ';', then the
// AnswerMarker "####" and the final answer. The steps follow a canonical order: first every
// multiplication, leftmost first (a chain a*b*c is a*b=p; p*c=q), then the additions and
// subtractions from left to right. So 2+3*4*5-6 is worked as 3*4=12;12*5=60;2+60=62;62-6=56.
// Intermediate results may be negative (3-10+2 gives 3-10=-7;-7+2=-5); no value exceeds
// 10^12 in magnitude.
//
// ArithOptions set the difficulty: operand digits (Digits, and MulDigits for factors of a
// product) and the number of steps (MinSteps to MaxSteps).
//
// The verifier reads only the final answer: the text after the last "####", with
// surrounding white space removed, must be an optional '-' followed by decimal digits and
// nothing else. Leading zeros are allowed ("0109" is 109, "-0" is 0); a '+' sign, inner
// spaces, trailing text, more than 18 significant digits or a missing marker make the
// solution malformed, and it scores 0. The worked steps are not checked, as in the paper,
// whose reward compares final answers only. A sampler should stop at the end-of-sequence
// token: text generated after the answer counts as trailing garbage.
//
// # Free-order arithmetic
//
// A problem is a sum (or product) of several terms with one operator; since the operator is
// commutative and associative, each worked step may combine any two of the numbers still
// left, a term or an earlier result:
//
//	prompt:   Q:7+5+9+3 A:
//	solution: 7+9=16;16+3=19;19+5=24####24
//	also:     3+9=12;5+7=12;12+12=24####24   (and 4·3·… more orders)
//
// The human solution picks a random pair, in a random operand order, at every step, so a
// problem of n terms has many valid worked solutions and the human data draws among them.
// With FreeOrderOptions.Slips > 0 a human step may state a wrong result and correct it,
// "7+9=15 no =16" (CorrectionMarker): self-correction in the data.
//
// The verifier checks the whole solution, not only the answer: each step "a op b=v" must use
// the problem's operator on two numbers still left (each number once; a term that occurs
// twice may be used twice) with v the right result, written canonically (no sign or leading
// zeros); a step may retract wrong results with up to MaxCorrections corrections; the steps
// must leave one number, and the final answer after "####" (read as for Arithmetic) must be
// it. A wrong step makes the solution wrong even if the answer is right, and an invalid
// solution casts no vote. FreeOrder.ValidPrefix tells whether a partial solution can still
// be completed to a right one, for diagnosing how far a model's own samples stray from valid
// solutions.
//
// # Program synthesis
//
// A problem shows k input→output examples of an integer-list function (Examples, four by
// default) and keeps more cases hidden (Tests, eight by default):
//
//	prompt:   [3,1,6]>[1,2,3];[3,2,8]>[0,2,3];[7,0,6,0,4]>[0,0,0,2,3];[5,5,5]>[1,1,1] P:
//	solution: map(x%4)|sort
//
// A case is written input>output, cases are joined by ';', and " P:" ends the prompt. A
// solution is a program of the list language below; Verify runs it on every shown and
// hidden case and returns 1 only if all outputs match. A program that does not parse, fails
// at run time or gives a wrong output scores 0; Parse and Run never panic and always
// terminate.
//
// The list language is a pipeline of stages applied left to right to the input list.
// Its grammar, in EBNF (white space — space, tab, newline, carriage return — may appear
// between tokens):
//
//	program    = stage { "|" stage } .
//	stage      = "map" "(" expr ")" | "filter" "(" comparison ")"
//	           | "sort" | "reverse" | "take" "(" number ")" | "drop" "(" number ")"
//	           | "sum" | "max" | "min" | "count" .
//	comparison = expr ( "<" | ">" | "<=" | ">=" | "==" | "!=" ) expr .
//	expr       = term { ( "+" | "-" ) term } .
//	term       = unary { ( "*" | "%" ) unary } .
//	unary      = "-" unary | "x" | number | "(" expr ")" .
//	number     = digit { digit } .
//	digit      = "0" … "9" .
//
// The stages:
//
//	map(e)      replace each element x by e
//	filter(c)   keep the elements x for which c holds
//	sort        ascending order
//	reverse     reverse the order
//	take(n)     the first n elements (all of them if there are fewer)
//	drop(n)     all but the first n elements (none if there are fewer)
//	sum         the sum of the elements (0 for an empty list)
//	count       the number of elements
//	max, min    the largest or smallest element (an error for an empty list)
//
// sum, count, max and min are reductions: they return an integer and must be the last
// stage; every other stage returns a list. Inside a lambda, * and % bind tighter than
// + and -, both left-associative, and unary minus binds tightest. % is the floored modulo:
// the result has the sign of the divisor (-4%3 is 2, 4%-3 is -2), and x%0 is an error. The
// results print canonically as a decimal integer or as a list such as "[1,2,3]" or "[]";
// Program.String gives the canonical program text (no white space, minimal parentheses).
//
// Limits. A source longer than MaxProgramLen (256) bytes, nested more than MaxDepth (16)
// parentheses or minus signs deep, or holding a literal beyond MaxValue (10^9) is a syntax
// error. Every integer — input, literal, intermediate and final — must stay within ±10^9;
// beyond it is the error ErrRange, never a wrap-around, so overflow is deterministic
// (products of two bounded values fit in an int64 before the check). Run takes Limits: a
// step budget (10,000 by default; each stage costs 1 plus the list length, each expression
// node evaluated costs 1, sort costs n·⌈log₂(n+1)⌉ more) and the longest input (64). The
// language has no loops and no stage lengthens a list, so every run ends; the budget bounds
// the work of long programs on long inputs.
//
// Generation. Programs.Sample draws a program of MinOps to MaxOps stages (at least two)
// from a fixed vocabulary of lambdas and counts (for instance map(x+3), map(x%2),
// filter(x>4), filter(x%2==0), take(2); the last stage is a reduction half of the time;
// ProgramOptions.Vocabulary replaces the vocabulary, for an easier or a different task),
// draws distinct random input lists, computes the outputs, and redraws the whole problem if
// the program
//
//   - fails on any shown or hidden input (an empty max, say);
//   - gives the same output on all shown examples;
//   - is matched on the shown examples by a program with fewer stages: the identity, a
//     proper subsequence of its stages, any one- or two-stage program of the vocabulary,
//     or (for four stages or more) the program with two adjacent stages replaced by one
//     stage of the vocabulary.
//
// The human solution is the generating program in canonical form. By default problems are
// keyed for deduplication by their behaviour on fixed probe inputs, so two programs
// computing the same function never end up in different splits: the test split then asks
// for functions never seen in training, and the built-in vocabulary has enough distinct
// functions for a 500-problem test split only with three-stage programs (982 distinct
// two-stage functions turn up in 20,000 draws). With ProgramOptions.SplitByProblem the key
// is the prompt instead: splits are disjoint by problem (no shown examples recur), a
// function may recur across splits with other examples, and a small vocabulary of
// two-stage programs supplies any number of problems. Programs.FunctionOverlap measures
// the share of test problems whose function also occurs in a training split; such a test
// split measures recognising a function from new examples, not inventing a new one.
//
// # Splits
//
// MakeSplits draws the test split first, then validation, then train, each from its own
// seed drawn from the caller's generator, skipping problems whose Key was already taken.
// The splits are disjoint, and the test split does not change when the training pool
// grows. DefaultSplitSizes gives 2000 train, 200 validation and 500 test problems.
//
// # Metrics
//
// With n samples for a problem of which c are correct, the unbiased estimator of pass@k
// (Chen et al. 2021) is
//
//	pass@k = 1 − C(n−c, k) / C(n, k) = 1 − ∏_{i=n−c+1}^{n} (1 − k/i),
//
// the chance that k samples drawn without replacement include a correct one. PassAtK uses
// the product, which needs no binomial coefficients; it is 1 when n−c < k, and pass@1 is
// c/n. The paper reports pass@1 of greedy decoding (one sample, c ∈ {0, 1}) and pass@k of
// temperature sampling; a task's score is the mean over its problems (MeanPassAtK).
//
// Majority voting (maj@k) takes the most frequent normalised answer among k samples,
// ignoring samples without a well-formed answer (ties go to the answer seen first), and
// counts the problem as solved if that answer is the right one (MajorityVote,
// MajorityCorrect). The normalised answer of an arithmetic solution is its final integer in
// canonical decimal form. For programs it is the program's outputs on all test inputs —
// shown and hidden — so programs are grouped by behaviour rather than by text: different
// texts of one function share their votes, and all members of a group are equally correct.
// The vote sees the hidden inputs but never their expected outputs, as in clustering
// sampled programs by their behaviour on test inputs.
//
// Summarize reports a metric over seeds as mean ± standard error, s/√N with the sample
// standard deviation s; Stat.Beats applies the rule that a gain counts only if it exceeds
// two standard errors of the difference.
//
// # Simplifications
//
// The paper uses the MATH and APPS datasets with PaLM 2; these generated tasks are small,
// exactly verifiable stand-ins sized for a character-level model on a CPU. Their formats
// are short (a few dozen characters), the answer checker is exact integer comparison rather
// than the paper's normalisation of LaTeX answers, and programs run in an interpreter of a
// tiny pure language instead of a Python sandbox.
package task
