package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The documented loading examples: every fenced block of these languages
// in this section of docs/OUTPUTS.md is run by TestDocSnippets.
const (
	snippetDoc     = "../../docs/OUTPUTS.md"
	snippetSection = "## Loading the files"
)

// snippetBatch is the batch the examples load: out/investment-vs-turnover
// as `trustsim run investment-vs-turnover --format both` writes it, made
// smaller (2 replicates, a year) so that the test takes seconds.
var snippetBatch = []string{"run", "investment-vs-turnover", "--format", "both", "--quiet", "--replicates", "2", "--set", "horizon=52", "--workers", "2"}

// docSnippets returns the fenced code blocks of section in the Markdown
// text md, by language (the fence's info string), in document order.
func docSnippets(md, section string) map[string][]string {
	start := strings.Index(md, "\n"+section+"\n")
	if start < 0 {
		return nil
	}
	md = md[start+1:]
	if end := strings.Index(md[len(section):], "\n## "); end >= 0 {
		md = md[:len(section)+end]
	}
	blocks := map[string][]string{}
	for _, m := range regexp.MustCompile("(?ms)^```([a-z]+)\n(.*?)^```$").FindAllStringSubmatch(md, -1) {
		blocks[m[1]] = append(blocks[m[1]], m[2])
	}
	return blocks
}

func TestDocSnippetsExtracted(t *testing.T) {
	md := "# T\n\n## Loading the files\n\n```python\na = 1\n```\n\ntext\n\n```r\nx <- 1\n```\n```r\ny <- 2\n```\n\n## Next\n\n```python\nnot = 'this'\n```\n"
	got := docSnippets(md, "## Loading the files")
	want := map[string][]string{"python": {"a = 1\n"}, "r": {"x <- 1\n", "y <- 2\n"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("docSnippets = %q, want %q", got, want)
	}
}

// snippetClient runs the blocks of one language.
type snippetClient struct {
	lang string
	// find returns the command line that runs a script file (appended),
	// or why the client is missing.
	find func() ([]string, string)
}

// duckdbRunner runs each SQL statement of the file named by argv[2] with
// DuckDB's Node.js client and prints each result as JSON.
const duckdbRunner = `const { DuckDBInstance } = require('@duckdb/node-api');
const sql = require('fs').readFileSync(process.argv[2], 'utf8');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const statements = await con.extractStatements(sql);
  for (let i = 0; i < statements.count; i++) {
    const result = await (await statements.prepare(i)).runAndReadAll();
    console.log(JSON.stringify(result.getRowObjectsJson()));
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
`

func snippetClients(t *testing.T) []snippetClient {
	return []snippetClient{
		{"python", func() ([]string, string) {
			// Debian's python3 has python3-pandas; another python3
			// first on PATH may not.
			for _, py := range []string{"python3", "/usr/bin/python3"} {
				if exec.Command(py, "-c", "import pandas").Run() == nil {
					return []string{py}, ""
				}
			}
			return nil, "no python3 with pandas (Debian: apt-get install python3-pandas)"
		}},
		{"r", func() ([]string, string) {
			if exec.Command("Rscript", "-e", "library(jsonlite)").Run() != nil {
				return nil, "no Rscript with jsonlite (Debian: apt-get install r-base-core r-cran-jsonlite)"
			}
			return []string{"Rscript", "--vanilla"}, ""
		}},
		{"sql", func() ([]string, string) {
			modules := os.Getenv("TRUSTSIM_NODE_MODULES")
			if modules == "" {
				modules = "/opt/trustsim-ci/node/node_modules"
			}
			if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil {
				return nil, "no @duckdb/node-api in " + modules + " (TRUSTSIM_NODE_MODULES; .ci/run installs it)"
			}
			if _, err := exec.LookPath("node"); err != nil {
				return nil, "no node"
			}
			runner := filepath.Join(t.TempDir(), "duckdb.js")
			if err := os.WriteFile(runner, []byte(duckdbRunner), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"env", "NODE_PATH=" + modules, "node", runner}, ""
		}},
	}
}

// TestDocSnippets runs the loading examples of docs/OUTPUTS.md, verbatim,
// with pandas, R with jsonlite and DuckDB, against a batch it has just
// made, so that the documentation cannot drift from the files. A client
// that is missing skips its language here, and fails the test in CI
// (CI=true), where .ci/run installs them all.
func TestDocSnippets(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs a 70-run batch and three data clients (a few seconds; much longer under -race)")
	}
	md, err := os.ReadFile(snippetDoc)
	if err != nil {
		t.Fatal(err)
	}
	blocks := docSnippets(string(md), snippetSection)
	work := t.TempDir()
	t.Chdir(work)
	mustRun(t, snippetBatch...)
	// The seed checks of the examples mean something only with a seed
	// that a double cannot hold.
	runs, err := os.ReadFile(filepath.Join("out", "investment-vs-turnover", "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	big := false
	for _, line := range strings.Split(string(runs), "\r\n")[1:] {
		if f := strings.Split(line, ","); len(f) > 5 {
			if seed, err := strconv.ParseUint(f[5], 10, 64); err == nil && seed >= 1<<63 {
				big = true
			}
		}
	}
	if !big {
		t.Fatal("the batch has no seed of 2^63 or more to check the examples with")
	}
	inCI := os.Getenv("CI") == "true"
	for _, c := range snippetClients(t) {
		t.Run(c.lang, func(t *testing.T) {
			code := blocks[c.lang]
			if len(code) == 0 {
				t.Fatalf("%s has no %s block in %q", snippetDoc, c.lang, snippetSection)
			}
			argv, missing := c.find()
			if missing != "" {
				if inCI {
					t.Fatalf("CI must run the %s examples: %s", c.lang, missing)
				}
				t.Skip(missing)
			}
			script := filepath.Join(t.TempDir(), "snippet."+c.lang)
			if err := os.WriteFile(script, []byte(strings.Join(code, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(argv[0], append(argv[1:], script)...)
			cmd.Dir = work
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the %s examples of %s fail: %v\nstdout:\n%s\nstderr:\n%s", c.lang, snippetDoc, err, stdout.String(), stderr.String())
			}
			t.Logf("%s output:\n%s", c.lang, stdout.String())
			if c.lang == "sql" {
				if !strings.Contains(stdout.String(), `[{"runs_whose_seeds_differ":"0"}]`) {
					t.Errorf("DuckDB: the manifest's seeds differ from runs.csv's:\n%s", stdout.String())
				}
				if !strings.Contains(stdout.String(), `[{"parquet_rows_not_in_csv":"0"}]`) {
					t.Errorf("DuckDB: aggregate.parquet differs from aggregate.csv:\n%s", stdout.String())
				}
			}
		})
	}
}
