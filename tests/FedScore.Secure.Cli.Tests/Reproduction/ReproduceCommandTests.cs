using System.Globalization;
using FedScore.Secure.Cli.Reproduction;

namespace FedScore.Secure.Cli.Tests.Reproduction;

public class ReproduceCommandTests
{
    private static readonly string[] ExpectedFiles =
    [
        "README.md",
        "a-homogeneous/rankings.csv", "a-homogeneous/cut_vectors.csv", "a-homogeneous/score_tables.csv", "a-homogeneous/models.csv",
        "a-homogeneous/parsimony.csv", "a-homogeneous/published_comparison.csv", "a-homogeneous/parsimony_mean.png",
        "b-ten-sites/test_auc_per_site.csv", "b-ten-sites/test_auc_summary.csv", "b-ten-sites/sites.csv",
        "b-ten-sites/test_auc_homogeneous.png", "b-ten-sites/test_auc_heterogeneous-age.png",
        "c-heterogeneous/score_tables.csv", "c-heterogeneous/models.csv", "c-heterogeneous/parsimony_mean.png",
    ];

    [Fact]
    public void QuickRunWritesTheSameTablesTwiceAndThePooledExactScoreEqualsAutoScoreOnPooledData()
    {
        string first = TempDir(), second = TempDir();
        try
        {
            (int exit1, string out1, string err1) = CliRunner.Run("reproduce", "--out", first, "--quick");
            Assert.True(exit1 == 0, out1 + err1);
            (int exit2, string out2, string err2) = CliRunner.Run("reproduce", "--out", second, "--quick");
            Assert.True(exit2 == 0, out2 + err2);

            foreach (string file in ExpectedFiles)
            {
                Assert.True(File.Exists(Path.Combine(first, file)), $"{file} not written");
            }

            string[] csvs = [.. Directory.EnumerateFiles(first, "*.csv", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first, f)).Order(StringComparer.Ordinal)];
            Assert.True(csvs.Length >= 10);
            foreach (string csv in csvs)
            {
                Assert.Equal(File.ReadAllText(Path.Combine(first, csv)), File.ReadAllText(Path.Combine(second, csv)));
            }

            string[] lines = File.ReadAllLines(Path.Combine(first, "a-homogeneous", "score_tables.csv"));
            var exact = lines.Where(l => l.StartsWith(DemoMethods.PooledExact + ",", StringComparison.Ordinal)).Select(l => l[(DemoMethods.PooledExact.Length + 1)..]).ToList();
            var pooled = lines.Where(l => l.StartsWith(DemoMethods.Centralised + ",", StringComparison.Ordinal)).Select(l => l[(DemoMethods.Centralised.Length + 1)..]).ToList();
            Assert.NotEmpty(exact);
            Assert.Equal(pooled, exact);

            string readme = File.ReadAllText(Path.Combine(first, "README.md"));
            Assert.Contains("fedscore reproduce --out papers/fedscore-binary", readme);
            Assert.Contains("secure sums", readme);
            Assert.Contains("bytes seen by the server", readme);
        }
        finally
        {
            Delete(first);
            Delete(second);
        }
    }

    [Fact]
    public void PublishedComparisonListsEveryPublishedNumber()
    {
        string dir = TempDir();
        try
        {
            (int exit, string output, string err) = CliRunner.Run("reproduce", "--out", dir, "--quick", "--scheme", "plain");
            Assert.True(exit == 0, output + err);
            var published = File.ReadAllLines(Path.Combine(dir, "a-homogeneous", "published_comparison.csv")).Skip(1)
                .Select(l => CsvFields.Split(l)).Select(cells => (Quantity: cells[0], Published: double.Parse(cells[2], CultureInfo.InvariantCulture))).ToList();

            void Expect(string quantityPart, double value) =>
                Assert.True(published.Any(p => p.Quantity.Contains(quantityPart, StringComparison.Ordinal) && Math.Abs(p.Published - value) < 1e-12),
                    $"published value {value} for '{quantityPart}' missing from the comparison table");

            foreach (var (v, imp) in PublishedReference.Site1Ranks.Concat(PublishedReference.Site2Ranks))
            {
                Expect($"MeanDecreaseGini {v}", imp);
            }

            foreach (double x in PublishedReference.ValidationAucSite1.Concat(PublishedReference.ValidationAucSite2).Concat(PublishedReference.ValidationAucMean))
            {
                Expect("validation AUC", x);
            }

            foreach (var p in PublishedReference.Model4Test)
            {
                foreach (double x in new[] { p.Auc, p.Lower, p.Upper, p.Threshold, p.Sens, p.Spec, p.Ppv, p.Npv })
                {
                    Expect(p.Site, x);
                }
            }

            foreach (double x in PublishedReference.Model1BetaBar.Concat(PublishedReference.Model1Site2D1).Concat(PublishedReference.Model1Federated).Append(PublishedReference.Model4Intercept))
            {
                Expect("model", x);
            }

            foreach (var (variable, points) in PublishedReference.Model4RScoreTable.Concat(PublishedReference.PooledAutoScoreTable))
            {
                foreach (int x in points)
                {
                    Expect($"points {variable}", x);
                }
            }

            foreach (var (_, variable, cuts) in PublishedReference.SiteCuts)
            {
                foreach (double x in cuts)
                {
                    Expect($"cut {variable}", x);
                }
            }

            foreach (var (variable, cuts) in PublishedReference.FloorCuts)
            {
                foreach (double x in cuts)
                {
                    Expect($"uni_cut (floor of mean) {variable}", x);
                }
            }

            // The reproduction matches the published FedScore-R test AUC of model 4 at both sites (4 decimals).
            foreach (var p in PublishedReference.Model4Test)
            {
                string row = File.ReadAllLines(Path.Combine(dir, "a-homogeneous", "published_comparison.csv")).First(l => l.StartsWith($"model 4 test AUC {p.Site},", StringComparison.Ordinal));
                Assert.InRange(double.Parse(CsvFields.Split(row)[1], CultureInfo.InvariantCulture), p.Auc - 5e-5, p.Auc + 5e-5);
            }
        }
        finally
        {
            Delete(dir);
        }
    }


    private static string TempDir() => Path.Combine(Path.GetTempPath(), "fedscore-reproduce-" + Guid.NewGuid().ToString("N"));

    private static void Delete(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
