package sensitivity

// joeKuo holds the direction numbers of dimensions 2 to 32 of the Sobol'
// sequence, copied verbatim from the file new-joe-kuo-6.21201 of S. Joe
// and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30:2635–2654 (2008),
// published at https://web.maths.unsw.edu.au/~fkuo/sobol/ (columns d, s,
// a, m_i). Dimension 1 has all m_i = 1 and needs no row.
var joeKuo = []struct {
	d, s, a int
	m       []uint32
}{
	{2, 1, 0, []uint32{1}},
	{3, 2, 1, []uint32{1, 3}},
	{4, 3, 1, []uint32{1, 3, 1}},
	{5, 3, 2, []uint32{1, 1, 1}},
	{6, 4, 1, []uint32{1, 1, 3, 3}},
	{7, 4, 4, []uint32{1, 3, 5, 13}},
	{8, 5, 2, []uint32{1, 1, 5, 5, 17}},
	{9, 5, 4, []uint32{1, 1, 5, 5, 5}},
	{10, 5, 7, []uint32{1, 1, 7, 11, 19}},
	{11, 5, 11, []uint32{1, 1, 5, 1, 1}},
	{12, 5, 13, []uint32{1, 1, 1, 3, 11}},
	{13, 5, 14, []uint32{1, 3, 5, 5, 31}},
	{14, 6, 1, []uint32{1, 3, 3, 9, 7, 49}},
	{15, 6, 13, []uint32{1, 1, 1, 15, 21, 21}},
	{16, 6, 16, []uint32{1, 3, 1, 13, 27, 49}},
	{17, 6, 19, []uint32{1, 1, 1, 15, 7, 5}},
	{18, 6, 22, []uint32{1, 3, 1, 15, 13, 25}},
	{19, 6, 25, []uint32{1, 1, 5, 5, 19, 61}},
	{20, 7, 1, []uint32{1, 3, 7, 11, 23, 15, 103}},
	{21, 7, 4, []uint32{1, 3, 7, 13, 13, 15, 69}},
	{22, 7, 7, []uint32{1, 1, 3, 13, 7, 35, 63}},
	{23, 7, 8, []uint32{1, 3, 5, 9, 1, 25, 53}},
	{24, 7, 14, []uint32{1, 3, 1, 13, 9, 35, 107}},
	{25, 7, 19, []uint32{1, 3, 1, 5, 27, 61, 31}},
	{26, 7, 21, []uint32{1, 1, 5, 11, 19, 41, 61}},
	{27, 7, 28, []uint32{1, 3, 5, 3, 3, 13, 69}},
	{28, 7, 31, []uint32{1, 1, 7, 13, 1, 19, 1}},
	{29, 7, 32, []uint32{1, 3, 7, 5, 13, 19, 59}},
	{30, 7, 37, []uint32{1, 1, 3, 9, 25, 29, 41}},
	{31, 7, 41, []uint32{1, 3, 5, 13, 23, 1, 55}},
	{32, 7, 42, []uint32{1, 3, 7, 3, 13, 59, 17}},
}
