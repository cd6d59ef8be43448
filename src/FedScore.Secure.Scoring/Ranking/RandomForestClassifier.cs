namespace FedScore.Secure.Scoring.Ranking;

/// <summary>Settings of the ranking forest (defaults as R randomForest for classification).</summary>
public sealed record RandomForestOptions
{
    public int Trees { get; init; } = 100;

    /// <summary>Features tried per split; null → floor(sqrt(p)).</summary>
    public int? Mtry { get; init; }

    /// <summary>Nodes with at most this many (bootstrap-weighted) rows are not split (R: 1 for classification).</summary>
    public int NodeSize { get; init; } = 1;

    /// <summary>Seed of the statistical RNG (System.Random), for reproducible rankings. AutoScore-R sets no seed.</summary>
    public int Seed { get; init; } = 4;
}

/// <summary>
/// A compact classification random forest used only for Gini importance (R randomForest's MeanDecreaseGini with
/// importance = FALSE): bootstrap with replacement, mtry features sampled per node, fully grown CART trees
/// (nodesize 1) split on the Gini criterion; importance of a feature = Σ over its splits of the decrease
/// N·G(parent) − N_L·G(left) − N_R·G(right) (bootstrap multiplicities as weights), averaged over trees.
/// Speed: features are sorted once; each tree keeps, per feature, the in-bag rows in that order and partitions the
/// lists stably at every split (O(p·n) per tree level, no re-sorting, no allocation per node).
/// Categorical predictors are split as ordered codes (R would search level subsets) — a simplification.
/// The numbers will not equal R's (different RNG); the order is what AutoScore uses.
/// </summary>
public static class RandomForestClassifier
{
    /// <param name="features">Column-major features: features[j][i]; no NaN (impute first).</param>
    public static double[] GiniImportance(IReadOnlyList<double[]> features, ReadOnlySpan<int> outcome, RandomForestOptions? options = null)
    {
        options ??= new RandomForestOptions();
        var p = features.Count;
        var n = outcome.Length;
        if (p == 0 || n < 2)
        {
            throw new ArgumentException("a forest needs at least one feature and two rows.");
        }

        var mtry = Math.Clamp(options.Mtry ?? (int)Math.Floor(Math.Sqrt(p)), 1, p);
        var x = features.ToArray();
        foreach (var column in x)
        {
            if (column.Length != n)
            {
                throw new ArgumentException("feature length differs from outcome length.");
            }

            foreach (var v in column)
            {
                if (double.IsNaN(v))
                {
                    throw new ArgumentException("features contain NaN; impute missing values before ranking.");
                }
            }
        }

        var y = outcome.ToArray();
        var globalOrder = new int[p][];
        for (var j = 0; j < p; j++)
        {
            var keys = (double[])x[j].Clone();
            var idx = new int[n];
            for (var i = 0; i < n; i++)
            {
                idx[i] = i;
            }

            Array.Sort(keys, idx);
            globalOrder[j] = idx;
        }

        var rng = new Random(options.Seed);
        var importance = new double[p];
        var tree = new TreeWorkspace(p, n);
        for (var t = 0; t < options.Trees; t++)
        {
            tree.Grow(x, y, globalOrder, mtry, options.NodeSize, rng, importance);
        }

        for (var j = 0; j < p; j++)
        {
            importance[j] /= options.Trees;
        }

        return importance;
    }

    private sealed class TreeWorkspace(int p, int n)
    {
        private readonly int[] _weight = new int[n];
        private readonly int[][] _lists = Enumerable.Range(0, p).Select(_ => new int[n]).ToArray();
        private readonly int[] _buffer = new int[n];
        private readonly bool[] _goesLeft = new bool[n];
        private readonly int[] _featurePool = new int[p];
        private readonly Stack<(int Start, int End)> _stack = new();

        public void Grow(double[][] x, int[] y, int[][] globalOrder, int mtry, int nodeSize, Random rng, double[] importance)
        {
            Array.Clear(_weight);
            for (var i = 0; i < n; i++)
            {
                _weight[rng.Next(n)]++;
            }

            var m = 0;
            for (var j = 0; j < p; j++)
            {
                m = 0;
                var list = _lists[j];
                foreach (var i in globalOrder[j])
                {
                    if (_weight[i] > 0)
                    {
                        list[m++] = i;
                    }
                }
            }

            _stack.Clear();
            _stack.Push((0, m));
            while (_stack.Count > 0)
            {
                var (start, end) = _stack.Pop();
                SplitNode(x, y, start, end, mtry, nodeSize, rng, importance);
            }
        }

        private void SplitNode(double[][] x, int[] y, int start, int end, int mtry, int nodeSize, Random rng, double[] importance)
        {
            if (end - start < 2)
            {
                return;
            }

            double w0 = 0, w1 = 0;
            var any = _lists[0];
            for (var k = start; k < end; k++)
            {
                var i = any[k];
                if (y[i] == 1)
                {
                    w1 += _weight[i];
                }
                else
                {
                    w0 += _weight[i];
                }
            }

            var total = w0 + w1;
            if (w0 == 0 || w1 == 0 || total <= nodeSize)
            {
                return;
            }

            var parentCrit = (w0 * w0 + w1 * w1) / total;
            for (var j = 0; j < p; j++)
            {
                _featurePool[j] = j;
            }

            var bestFeature = -1;
            var bestCrit = double.NegativeInfinity;
            var bestPosition = -1;
            for (var t = 0; t < mtry; t++)
            {
                var pick = t + rng.Next(p - t);
                (_featurePool[t], _featurePool[pick]) = (_featurePool[pick], _featurePool[t]);
                var f = _featurePool[t];
                var list = _lists[f];
                var xf = x[f];
                double l0 = 0, l1 = 0;
                for (var k = start; k < end - 1; k++)
                {
                    var i = list[k];
                    if (y[i] == 1)
                    {
                        l1 += _weight[i];
                    }
                    else
                    {
                        l0 += _weight[i];
                    }

                    if (xf[i] == xf[list[k + 1]])
                    {
                        continue;
                    }

                    var nl = l0 + l1;
                    var nr = total - nl;
                    double r0 = w0 - l0, r1 = w1 - l1;
                    var crit = (l0 * l0 + l1 * l1) / nl + (r0 * r0 + r1 * r1) / nr;
                    if (crit > bestCrit)
                    {
                        bestCrit = crit;
                        bestFeature = f;
                        bestPosition = k;
                    }
                }
            }

            if (bestFeature < 0)
            {
                return; // every tried feature is constant in this node: terminal (as R's jstat = 1)
            }

            importance[bestFeature] += bestCrit - parentCrit;
            var splitList = _lists[bestFeature];
            for (var k = start; k < end; k++)
            {
                _goesLeft[splitList[k]] = k <= bestPosition;
            }

            var mid = start + (bestPosition - start + 1);
            for (var j = 0; j < p; j++)
            {
                var list = _lists[j];
                int left = start, right = 0;
                for (var k = start; k < end; k++)
                {
                    var i = list[k];
                    if (_goesLeft[i])
                    {
                        list[left++] = i;
                    }
                    else
                    {
                        _buffer[right++] = i;
                    }
                }

                Array.Copy(_buffer, 0, list, left, right);
            }

            _stack.Push((start, mid));
            _stack.Push((mid, end));
        }
    }
}
