package sim_test
import ("context";"fmt";"testing";"os";"github.com/trustsim/trustsim/sim")
func TestCalib(t *testing.T){
  if os.Getenv("CALIB")=="" {t.Skip()}
  for _, to := range []float64{0, 0.2, 0.4} {
  for _, share := range []float64{0,0.02,0.05,0.1,0.2,0.3} {
   var cum, tr, ct, act, str, arr, res, cp float64
   n:=8
   for seed:=uint64(1); seed<=uint64(n); seed++ {
    p := sim.Default(); p.Policy.RelationshipShare=share
    if err:=p.Set("org.*.annual_turnover.staff", to); err!=nil {t.Fatal(err)}
    var last sim.Metrics; var sact float64; var sres float64
    sim.Run(context.Background(), p, seed, func(m sim.Metrics) error { last = m; sact+=float64(m.ActivePartnerships); sres+=float64(m.PartnershipResets); return nil})
    cum+=last.CumulativeResults; tr+=last.MeanTrust; ct+=last.CrossOrgTrust; act+=sact/float64(p.Horizon); str+=last.PartnershipStrength; arr+=float64(last.ArrangementsActive); res+=sres; cp+=last.CommunityEngagement
   }
   f:=float64(n)
   fmt.Printf("to %.1f share %.2f: cum %.0f trust %.3f cross %.3f act %.2f str %.3f arr %.2f resets %.1f cp %.3f\n", to, share, cum/f, tr/f, ct/f, act/f, str/f, arr/f, res/f, cp/f)
  }}
}
