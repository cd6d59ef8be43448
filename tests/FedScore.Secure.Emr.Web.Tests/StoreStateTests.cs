using System.Net;
using System.Reflection;
using FedScore.Secure.Emr.Storage;
using Microsoft.Data.Sqlite;

namespace FedScore.Secure.Emr.Web.Tests;

/// <summary>The page over stores in other states: no table yet, a damaged table, and a store that refuses writes.</summary>
public sealed class StoreStateTests
{
    [Fact]
    public async Task WithoutAStoredScoreTableEveryPageSaysSo()
    {
        using var site = new SiteStore(withScoreTable: false);
        await using var page = await RunningPage.StartAsync(site.Store);

        foreach (var url in new[] { "/", "/case?encounter=ED-0001", "/entered?Age=70" })
        {
            using var response = await page.Client.GetAsync(url);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("No score table is stored yet.", PageText.ById(html, "message"));
            Assert.DoesNotContain("ED-0001", html);
        }
    }

    [Fact]
    public async Task AScoreTableAlteredInTheDatabaseGivesAClearMessageNotAStackTrace()
    {
        using var site = new SiteStore();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(site.Folder, "site.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE score_tables SET table_json = replace(table_json, '\"points\":13', '\"points\":31')";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        await using var page = await RunningPage.StartAsync(site.Store);
        using var response = await page.Client.GetAsync("/case?encounter=ED-0001");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("The site store could not be read.", PageText.ById(html, "message"));
        Assert.Contains("does not match its recorded SHA-256", html);
        Assert.DoesNotContain("   at ", html);
        Assert.Null(PageText.ById(html, "total"));
    }

    [Fact]
    public async Task ThePageOnlyEverReadsTheStore()
    {
        using var site = new SiteStore();
        var guarded = ReadOnlyGuard.Wrap(site.Store);
        await using var page = await RunningPage.StartAsync(guarded);

        foreach (var url in new[] { "/", "/case?encounter=ED-0001", "/case?encounter=NOPE", "/entered?Age=70&Lab_D=1", "/entered?Age=x", "/?version=1" })
        {
            using var response = await page.Client.GetAsync(url);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Empty(ReadOnlyGuard.Refused(guarded));
        Assert.NotEmpty(ReadOnlyGuard.Calls(guarded));
    }

    [Fact]
    public async Task AStoreThatFailsUnexpectedlyGivesAnErrorPageWithAReferenceAndLogsNoMessage()
    {
        using var site = new SiteStore();
        var failing = ReadOnlyGuard.Wrap(site.Store, failReadsWith: new InvalidOperationException("value 71.234 of ED-0001"));
        await using var page = await RunningPage.StartAsync(failing);

        using var response = await page.Client.GetAsync("/case?encounter=ED-0001");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", PageText.ById(html, "message"));
        Assert.DoesNotContain("71.234", html);
        Assert.DoesNotContain("   at ", html);
        Assert.Contains(page.Log.Lines, l => l.Contains("InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain("71.234", page.Log.Text);
    }

    /// <summary>
    /// Wraps a store so that every call is recorded and any method that is not a read (Get*/Find*/Count*, property
    /// getters, Dispose) is refused and recorded. A proxy rather than a class, so that it keeps compiling as the
    /// interface grows.
    /// </summary>
    public class ReadOnlyGuard : DispatchProxy
    {
        private IEmrStore _inner = null!;
        private Exception? _failReads;
        private readonly List<string> _calls = [];
        private readonly List<string> _refused = [];

        public static IEmrStore Wrap(IEmrStore inner, Exception? failReadsWith = null)
        {
            var proxy = Create<IEmrStore, ReadOnlyGuard>();
            var guard = (ReadOnlyGuard)(object)proxy;
            guard._inner = inner;
            guard._failReads = failReadsWith;
            return proxy;
        }

        public static IReadOnlyList<string> Calls(IEmrStore proxy) => Snapshot(((ReadOnlyGuard)(object)proxy)._calls);

        public static IReadOnlyList<string> Refused(IEmrStore proxy) => Snapshot(((ReadOnlyGuard)(object)proxy)._refused);

        private static string[] Snapshot(List<string> list)
        {
            lock (list)
            {
                return [.. list];
            }
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var name = targetMethod!.Name;
            var isRead = name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("get_", StringComparison.Ordinal)
                || name.StartsWith("Find", StringComparison.Ordinal) || name.StartsWith("Count", StringComparison.Ordinal) || name == "Dispose";
            lock (_calls)
            {
                _calls.Add(name);
            }

            if (!isRead)
            {
                lock (_refused)
                {
                    _refused.Add(name);
                }

                throw new InvalidOperationException($"The page called {name}, which is not a read.");
            }

            if (_failReads is { } e && name.StartsWith("Get", StringComparison.Ordinal))
            {
                throw e;
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException t) when (t.InnerException is { } inner)
            {
                throw inner;
            }
        }
    }
}
