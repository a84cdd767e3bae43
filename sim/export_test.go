package sim

// ScaledCity is scaledCity for the tests of package sim_test.
var ScaledCity = scaledCity
