/// The regression basis in which ``EVPPI/regression(theta:nmb:basis:bootstrapReplicates:seed:)``
/// approximates the conditional expectation E(ΔNMB | θ).
///
/// Every basis is built on the **standardised** parameters z = (θ − mean)/SD (per parameter, over
/// the runs), and each column of the design matrix is then centred and scaled to unit SD, with an
/// explicit intercept column of ones. Neither step changes the fitted values (they are the
/// projection of the response on the same column space); both keep the least-squares problem well
/// conditioned when parameters live on very different scales (a probability near 0.01 beside a
/// cost near 10⁵). A parameter that is constant over the runs contributes no column (its EVPPI is
/// zero).
///
/// ## Choice of basis
///
/// Strong, Oakley & Brennan (2014, Med Decis Making 34:311–326) fit a generalised additive model
/// (penalised regression splines, `mgcv::gam`) for one to about five parameters and a Gaussian
/// process beyond. mbc simplifies this to **unpenalised least squares on a fixed spline basis**:
/// one LAPACK call, no smoothing-parameter search, and for the smooth, low-dimensional conditional
/// expectations of health-economic models the difference is small when the runs far outnumber the
/// columns (which ``automatic`` enforces). What is lost is the penalty: a basis with many columns
/// fits some noise, and that noise biases the EVPPI upwards (see ``EVPPI``).
///
/// - ``naturalSpline(knots:interactions:)``: per parameter a **natural cubic spline** (the
///   restricted cubic spline of Stone & Koo 1985 and of Harrell's *Regression Modeling
///   Strategies*: cubic between knots, linear outside the boundary knots, so `knots` degrees of
///   freedom including the intercept).
///   The knots are order statistics at evenly spaced probabilities 0, 1/(K−1), …, 1 (the sample
///   minimum and maximum are the boundary knots, as in `mgcv`'s `"cr"` basis, so the fit never
///   extrapolates linearly inside the data); equal knots (a parameter with few distinct values)
///   are merged, so a parameter with m distinct values gets at most m − 1 columns and the basis
///   stays of full rank. With `interactions`, all pairwise products zᵢ·zⱼ are added: the
///   bilinear terms (probability × utility, price × quantity) that dominate the interactions of
///   cost-effectiveness models. Column count: 1 + P·(K − 1) + P(P − 1)/2 for P parameters.
/// - ``polynomial(degree:)``: all monomials z₁^e₁⋯z_P^e_P of total degree 1…d, the classical
///   response surface. For one parameter a polynomial of degree d; for a group it contains every
///   interaction up to degree d (a small tensor basis). Column count: C(P + d, d). Polynomials
///   fit badly in the tails of skewed parameters (log-normal costs), which is why they are not
///   the default.
/// - ``automatic``: see its documentation.
public enum EVPPIBasis: Sendable, Equatable, CustomStringConvertible {
  /// Chosen from the number of parameters and the number of runs, so that there are at least
  /// ``EVPPI/runsPerColumn`` runs per column of the design (intercept included):
  ///
  /// - one parameter: a natural cubic spline with `K = min(8, runs / 50)` knots; when `K < 3`
  ///   (fewer than 150 runs), a straight line (2 columns), with a warning below 100 runs;
  /// - P ≥ 2 parameters: additive natural cubic splines with pairwise products, starting at 5
  ///   knots per parameter and lowering to 4, then 3 knots, then dropping the products, then
  ///   using straight lines only, until the column budget is met (a warning if even the linear
  ///   basis exceeds it).
  ///
  /// Eight knots (seven curvature-bearing degrees of freedom) follow a smooth one-dimensional
  /// conditional expectation closely (mgcv's default for one smooth is ten penalised basis
  /// functions); five per parameter in a group keep the column count linear in P except for the
  /// P(P − 1)/2 products.
  case automatic
  /// Additive natural cubic splines with `knots` knots per parameter (at least 2; 2 means a
  /// straight line), plus all pairwise products of the standardised parameters when
  /// `interactions` is true.
  case naturalSpline(knots: Int, interactions: Bool)
  /// All monomials of the standardised parameters of total degree 1 through `degree` (at least
  /// 1), with the intercept.
  case polynomial(degree: Int)

  /// A short English description, such as `natural cubic spline, 8 knots per parameter`.
  public var description: String {
    switch self {
    case .automatic:
      return "automatic"
    case .naturalSpline(let knots, let interactions):
      let spline =
        knots <= 2 ? "linear terms" : "natural cubic spline, \(knots) knots per parameter"
      return interactions ? spline + ", with pairwise products" : spline
    case .polynomial(let degree):
      return "polynomial of total degree \(degree)"
    }
  }
}
