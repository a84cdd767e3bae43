package batch_test

import (
	"fmt"

	"github.com/trustsim/trustsim/batch"
)

// Three shards of a batch of ten runs: contiguous blocks whose sizes
// differ by at most one run.
func ExampleShard_Block() {
	for i := range 3 {
		s := batch.Shard{Index: i, Count: 3}
		first, end := s.Block(10)
		fmt.Printf("shard %s in %s: runs %d to %d\n", s, s.DirName(), first, end-1)
	}
	// Output:
	// shard 0/3 in shard-0-of-3: runs 0 to 2
	// shard 1/3 in shard-1-of-3: runs 3 to 5
	// shard 2/3 in shard-2-of-3: runs 6 to 9
}
