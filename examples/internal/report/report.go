// Package report is the result format shared by tenet's example programs: the one JSON object
// that every example prints with -json, so that runs can be compared and aggregated.
//
// A Report names the example, its seed and configuration, holds named tables of rows, and
// lists the paper's findings that the run checked. A Finding's Holds is computed by the
// example from the numbers beside it, by the rule its Claim states; it is never set by hand.
package report

import (
	"encoding/json"
	"io"
)

// Report is the result of one run of an example program.
type Report struct {
	// Example is the program's name, e.g. "restem".
	Example string `json:"example"`
	// Seed is the run's random seed.
	Seed uint64 `json:"seed"`
	// Config holds the flags and derived settings of the run.
	Config map[string]any `json:"config"`
	// Tables maps a table's name to its rows; a row maps column names to values.
	Tables map[string][]map[string]any `json:"tables"`
	// Findings are the paper's claims the run checked.
	Findings []Finding `json:"findings"`
}

// Finding is one checked claim of a paper, with the numbers behind the verdict.
type Finding struct {
	// ID is a short stable identifier, e.g. "rest-beats-sft-arith".
	ID string `json:"id"`
	// Claim states the finding and the rule by which Holds is decided.
	Claim string `json:"claim"`
	// Holds is the verdict, computed from Value, Baseline, Stderr and N by the claim's rule.
	Holds bool `json:"holds"`
	// Value is the measured quantity.
	Value float64 `json:"value"`
	// Baseline is what Value is compared with.
	Baseline float64 `json:"baseline"`
	// Stderr is the standard error of Value (or of the difference), 0 if not applicable.
	Stderr float64 `json:"stderr"`
	// N is the number of runs, seeds or samples behind Value.
	N int `json:"n"`
	// Note optionally explains the numbers, e.g. why a finding could not be checked.
	Note string `json:"note,omitempty"`
}

// New returns an empty report for the named example.
func New(example string, seed uint64, config map[string]any) *Report {
	if config == nil {
		config = map[string]any{}
	}
	return &Report{Example: example, Seed: seed, Config: config, Tables: map[string][]map[string]any{}, Findings: []Finding{}}
}

// AddRow appends a row to the named table.
func (r *Report) AddRow(table string, row map[string]any) {
	r.Tables[table] = append(r.Tables[table], row)
}

// AddFinding appends a finding.
func (r *Report) AddFinding(f Finding) { r.Findings = append(r.Findings, f) }

// Rows converts a slice of structs (or anything that encodes as a JSON array of objects) into
// table rows keyed by the JSON field names, so that typed rows can join a report. It panics if
// rows does not encode as an array of objects, a programming error in the example.
func Rows(rows any) []map[string]any {
	data, err := json.Marshal(rows)
	if err != nil {
		panic("report: Rows: " + err.Error())
	}
	var out []map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		panic("report: Rows: " + err.Error())
	}
	return out
}

// WriteJSON writes the report to w as one indented JSON object followed by a newline.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
