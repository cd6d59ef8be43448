// A minimal site process for the transport tests: joins the server, takes its round inputs from Task frames (the task
// handler calls participant.SetInput, as a real site's pipeline does), answers aggregation frames with the plain scheme,
// and exits when the server sends Shutdown.
// Usage: TestSite --server URL --session ID --key KEYFILE --sites a,b,c --threshold T
using FedScore.Secure;
using FedScore.Secure.Aggregation;
using FedScore.Secure.Aggregation.Plain;
using FedScore.Secure.Crypto.Identity;
using FedScore.Secure.Transport.Grpc.Site;
using FedScore.Secure.Wire;

var options = new Dictionary<string, string>();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}

using SiteSigningKey key = SiteSigningKey.LoadKeyFile(options["key"]);
var config = new SessionConfig(options["session"], options["sites"].Split(',').Select(s => new ParticipantId(s)), int.Parse(options["threshold"]));
using IAggregationParticipant participant = new PlainAggregationScheme().CreateParticipant(key.Site, config);

SiteTaskHandler setInput = (request, _) =>
{
    var r = new WireReader(request.Span, "test task");
    string roundId = r.ReadString("round");
    double weight = r.ReadDouble("weight");
    int n = r.ReadLength("count", 1 << 20);
    double[] values = new double[n];
    for (int i = 0; i < n; i++)
    {
        values[i] = r.ReadDouble("value");
    }

    r.EnsureEnd();
    participant.SetInput(roundId, values, weight);
    return Task.FromResult(System.Text.Encoding.UTF8.GetBytes($"{key.Site} ready for {roundId}"));
};

var siteOptions = new FederationSiteOptions(new Uri(options["server"]), config.SessionId)
{
    InitialBackoff = TimeSpan.FromMilliseconds(100),
    MaxBackoff = TimeSpan.FromSeconds(1),
    ConnectAttempts = 50,
};
await using var client = new FederationSiteClient(siteOptions, key, participant, setInput);
client.Event += e => Console.WriteLine($"{key.Site}: {e.Kind} #{e.Sequence} {e.Message}");
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await client.RunAsync(timeout.Token);
Console.WriteLine($"{key.Site}: done");
return 0;
