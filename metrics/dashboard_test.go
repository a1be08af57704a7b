package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestDashboardNamesExist checks that every scanguard metric the Grafana
// dashboard queries is one the Collector emits, so a rename cannot leave
// the dashboard blank.
func TestDashboardNamesExist(t *testing.T) {
	b, err := os.ReadFile("../scripts/grafana/scanguard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}

	known := make(map[string]bool)
	ch := make(chan *prometheus.Desc, 64)
	NewCollector(Sources{}).Describe(ch)
	close(ch)
	nameRe := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range ch {
		m := nameRe.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("cannot read the name of %s", d)
		}
		known[m[1]] = true
	}

	used := regexp.MustCompile(`scanguard_[a-z_]+`)
	queries := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			queries++
			for _, name := range used.FindAllString(tg.Expr, -1) {
				base := name
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					if trimmed, ok := strings.CutSuffix(name, suffix); ok && known[trimmed] {
						base = trimmed
					}
				}
				if !known[base] {
					t.Errorf("panel %q queries %s, which the collector does not emit", p.Title, name)
				}
			}
		}
	}
	if queries < 10 {
		t.Errorf("dashboard has %d queries, want every metric group covered", queries)
	}
}
