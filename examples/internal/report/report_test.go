package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestReportSchema(t *testing.T) {
	r := New("demo", 7, map[string]any{"steps": 3})
	r.AddRow("iterations", map[string]any{"iteration": 1, "test_pass@1": 0.41})
	r.AddFinding(Finding{ID: "a-beats-b", Claim: "a exceeds b by 2 standard errors", Holds: true, Value: 0.41, Baseline: 0.30, Stderr: 0.02, N: 3})
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"example", "seed", "config", "tables", "findings"} {
		if _, ok := got[key]; !ok {
			t.Fatalf("key %q missing from %s", key, buf.String())
		}
	}
	f := got["findings"].([]any)[0].(map[string]any)
	for _, key := range []string{"id", "claim", "holds", "value", "baseline", "stderr", "n"} {
		if _, ok := f[key]; !ok {
			t.Fatalf("finding key %q missing", key)
		}
	}
	if got["tables"].(map[string]any)["iterations"].([]any)[0].(map[string]any)["test_pass@1"] != 0.41 {
		t.Fatal("table row not kept")
	}
	empty := New("x", 1, nil)
	buf.Reset()
	empty.WriteJSON(&buf)
	if !bytes.Contains(buf.Bytes(), []byte(`"findings": []`)) || !bytes.Contains(buf.Bytes(), []byte(`"config": {}`)) {
		t.Fatalf("empty report must still have every key: %s", buf.String())
	}
}

func TestRowsFromStructs(t *testing.T) {
	type row struct {
		Agent  string  `json:"agent"`
		ADE    float64 `json:"ade_m"`
		hidden int
	}
	got := Rows([]*row{{Agent: "idm", ADE: 1.5, hidden: 3}})
	if len(got) != 1 || got[0]["agent"] != "idm" || got[0]["ade_m"] != 1.5 || len(got[0]) != 2 {
		t.Fatalf("Rows = %v", got)
	}
}
