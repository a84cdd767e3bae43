package output

import "testing"

func TestSmoke(t *testing.T) {
	for _, f := range []fixture{sweep2, strategies, single, sweep1, sweep3} {
		dir := "/tmp/smoke/" + f.name
		writeBatch(t, f, dir, 2)
		t.Log(listDir(t, dir))
	}
}
