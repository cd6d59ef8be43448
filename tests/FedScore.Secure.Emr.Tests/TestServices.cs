using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FedScore.Secure.Emr.Tests;

/// <summary>The PostgreSQL server the tests may use: env var FEDSCORE_TEST_POSTGRES (CI's .ci/run sets it).</summary>
internal static class TestPostgres
{
    public const string EnvironmentVariable = "FEDSCORE_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s ? s : null;

    public static string SkipReason =>
        $"PostgreSQL tests skipped: set {EnvironmentVariable} to an Npgsql connection string of a server where the user may create databases.";
}

/// <summary>A [Fact] that is reported skipped, with the reason, when no test PostgreSQL server is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.ConnectionString is null)
        {
            Skip = TestPostgres.SkipReason;
        }
    }
}

/// <summary>Marks a test class whose [StoreFact] tests need the test PostgreSQL server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A [Fact] in a shared store test class: it runs for every concrete subclass, and is reported skipped (with the
/// reason) in subclasses marked <see cref="RequiresPostgresAttribute"/> when no test server is configured.
/// </summary>
[XunitTestCaseDiscoverer("FedScore.Secure.Emr.Tests.StoreFactDiscoverer", "FedScore.Secure.Emr.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsPostgres = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && TestPostgres.ConnectionString is null)
        {
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, TestPostgres.SkipReason)];
        }

        return [new XunitTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
    }
}

/// <summary>A fresh database with a random name on the test server, dropped (connections closed) on dispose.</summary>
internal sealed class TempPostgresDatabase : IDisposable
{
    private readonly string _admin;

    public TempPostgresDatabase()
    {
        _admin = TestPostgres.ConnectionString ?? throw new InvalidOperationException(TestPostgres.SkipReason);
        Name = $"fedscore_test_{Guid.NewGuid():N}";
        // The name is generated here from hex digits only, so splicing it into DDL (which takes no parameters) is safe.
        Admin($"CREATE DATABASE {Name}");
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private void Admin(string sql)
    {
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
