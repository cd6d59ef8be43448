namespace FedScore.Secure.Cli.Reproduction;

/// <summary>
/// The Nelder–Mead minimiser as R's <c>optim(method = "Nelder-Mead")</c> runs it (R's C routine <c>nmmin</c>,
/// after Nash, "Compact Numerical Methods", 1990): start simplex = the start point plus, per coordinate, one vertex
/// moved by 0.1·max|x₀| (0.1 if x₀ = 0); reflection α = 1, contraction β = 0.5, expansion γ = 2; stop when
/// f_high ≤ f_low + reltol·(|f(x₀)| + reltol) or after maxit function evaluations. FedScore-R's ODAL2 stops early
/// with reltol = 1e-3, and its published coefficients are those early-stopped values, so the reproduction needs
/// this exact iteration rather than a better optimiser.
/// </summary>
internal static class NelderMead
{
    private const double Big = 1.0e35;

    public static (double[] X, double F, int Evaluations) Minimize(Func<double[], double> f, double[] start, double reltol = 1e-8, int maxit = 500)
    {
        const double alpha = 1.0, bet = 0.5, gamm = 2.0;
        int n = start.Length;
        int n1 = n + 1;
        // p[j] = vertex j (x values), v[j] = its function value; column C (index n1) = centroid / work.
        var p = new double[n1 + 1][];
        for (int j = 0; j <= n1; j++)
        {
            p[j] = new double[n];
        }

        var v = new double[n1 + 1];
        var x = (double[])start.Clone();
        double fx = f(x);
        if (!double.IsFinite(fx))
        {
            throw new InvalidOperationException("Nelder-Mead: the function cannot be evaluated at the start point.");
        }

        int evaluations = 1;
        double convtol = reltol * (Math.Abs(fx) + reltol);
        v[0] = fx;
        Array.Copy(x, p[0], n);
        int low = 0;
        double step = 0;
        foreach (double xi in x)
        {
            step = Math.Max(step, 0.1 * Math.Abs(xi));
        }

        if (step == 0)
        {
            step = 0.1;
        }

        double size = 0;
        for (int j = 1; j < n1; j++)
        {
            Array.Copy(x, p[j], n);
            double trystep = step;
            while (p[j][j - 1] == x[j - 1])
            {
                p[j][j - 1] = x[j - 1] + trystep;
                trystep *= 10;
            }

            size += trystep;
        }

        double oldsize = size;
        bool calcvert = true;
        int c = n1;
        do
        {
            if (calcvert)
            {
                for (int j = 0; j < n1; j++)
                {
                    if (j != low)
                    {
                        double fj = f(p[j]);
                        v[j] = double.IsFinite(fj) ? fj : Big;
                        evaluations++;
                    }
                }

                calcvert = false;
            }

            double vl = v[low], vh = vl;
            int high = low;
            for (int j = 0; j < n1; j++)
            {
                if (j == low)
                {
                    continue;
                }

                double fj = v[j];
                if (fj < vl)
                {
                    low = j;
                    vl = fj;
                }

                if (fj > vh)
                {
                    high = j;
                    vh = fj;
                }
            }

            if (vh <= vl + convtol)
            {
                break;
            }

            for (int i = 0; i < n; i++)
            {
                double temp = -p[high][i];
                for (int j = 0; j < n1; j++)
                {
                    temp += p[j][i];
                }

                p[c][i] = temp / n;
            }

            for (int i = 0; i < n; i++)
            {
                x[i] = (1 + alpha) * p[c][i] - alpha * p[high][i];
            }

            double fr = Eval(f, x, ref evaluations);
            double vr = fr;
            if (vr < vl)
            {
                v[c] = fr;
                for (int i = 0; i < n; i++)
                {
                    double e = gamm * x[i] + (1 - gamm) * p[c][i];
                    p[c][i] = x[i];
                    x[i] = e;
                }

                double fe = Eval(f, x, ref evaluations);
                if (fe < vr)
                {
                    Array.Copy(x, p[high], n);
                    v[high] = fe;
                }
                else
                {
                    Array.Copy(p[c], p[high], n);
                    v[high] = vr;
                }
            }
            else
            {
                if (vr < vh)
                {
                    Array.Copy(x, p[high], n);
                    v[high] = vr;
                }

                for (int i = 0; i < n; i++)
                {
                    x[i] = (1 - bet) * p[high][i] + bet * p[c][i];
                }

                double fc = Eval(f, x, ref evaluations);
                if (fc < v[high])
                {
                    Array.Copy(x, p[high], n);
                    v[high] = fc;
                }
                else if (vr >= vh)
                {
                    calcvert = true;
                    size = 0;
                    for (int j = 0; j < n1; j++)
                    {
                        if (j == low)
                        {
                            continue;
                        }

                        for (int i = 0; i < n; i++)
                        {
                            p[j][i] = bet * (p[j][i] - p[low][i]) + p[low][i];
                            size += Math.Abs(p[j][i] - p[low][i]);
                        }
                    }

                    if (size < oldsize)
                    {
                        oldsize = size;
                    }
                    else
                    {
                        break; // polytope did not shrink (R: fail = 10)
                    }
                }
            }
        }
        while (evaluations <= maxit);

        return ((double[])p[low].Clone(), v[low], evaluations);
    }

    private static double Eval(Func<double[], double> f, double[] x, ref int evaluations)
    {
        double value = f(x);
        evaluations++;
        return double.IsFinite(value) ? value : Big;
    }
}
