using System.Text;
using FedScore.Secure.Federation;
using FedScore.Secure.Transport.Grpc.Federation;

namespace FedScore.Secure.Transport.Grpc.Tests.Federation;

public class SiteFederationEndpointTests
{
    private sealed class ConstantSite : ISiteStatistics
    {
        public SiteContribution Compute(StatisticRequest request) => new([1, 2, 3], 7);

        public string HandleBroadcast(StatisticRequest request) => "{\"auc\":0.8}";
    }

    private static SiteFederationEndpoint Endpoint(SitePolicy? policy = null) => new("alpha", new ConstantSite(), policy);

    private static FederationTaskReply Send(SiteFederationEndpoint endpoint, FederationTask task) =>
        FederationTaskReply.Parse(endpoint.Handle(task.ToBytes()));

    private static FederationTask Configure(string scheme, params string[] sites) =>
        new() { Op = FederationTask.Configure, Scheme = scheme, SessionId = "s1", Sites = sites, Threshold = 2 };

    [Fact]
    public void PlainSchemeIsRefusedUnlessTheSiteAllowsIt()
    {
        FederationTaskReply reply = Send(Endpoint(), Configure("plain", "alpha", "beta", "gamma"));

        Assert.False(reply.Ok);
        Assert.Contains("does not accept scheme 'plain'", reply.Error);
    }

    [Fact]
    public void SessionWithASiteOutsideTheRosterIsRefused()
    {
        var policy = new SitePolicy { ExpectedSites = new HashSet<ParticipantId> { "alpha", "beta" } };

        FederationTaskReply reply = Send(Endpoint(policy), Configure("masking", "alpha", "beta", "mallory"));

        Assert.False(reply.Ok);
        Assert.Contains("mallory", reply.Error);
    }

    [Fact]
    public void SumBeforeConfigureIsRefused()
    {
        FederationTaskReply reply = Send(Endpoint(), new FederationTask { Op = FederationTask.Sum, RoundId = "r1", Kind = "k", Payload = "{}", Length = 3 });

        Assert.False(reply.Ok);
        Assert.Contains("not configured", reply.Error);
    }

    [Fact]
    public void SumWithTheWrongLengthIsRefused()
    {
        SiteFederationEndpoint endpoint = Endpoint();
        Assert.True(Send(endpoint, Configure("masking", "alpha", "beta", "gamma")).Ok);

        FederationTaskReply reply = Send(endpoint, new FederationTask { Op = FederationTask.Sum, RoundId = "r1", Kind = "k", Payload = "{}", Length = 4 });

        Assert.False(reply.Ok);
        Assert.Contains("expects 4", reply.Error);
    }

    [Fact]
    public void SecondConfigureIsRefused()
    {
        SiteFederationEndpoint endpoint = Endpoint();
        Assert.True(Send(endpoint, Configure("masking", "alpha", "beta", "gamma")).Ok);

        FederationTaskReply reply = Send(endpoint, Configure("secagg+", "alpha", "beta", "gamma"));

        Assert.False(reply.Ok);
        Assert.Contains("already configured", reply.Error);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"op\":\"launch-missiles\"}")]
    [InlineData("{\"op\":\"configure\",\"scheme\":\"masking\",\"sessionId\":\"s\",\"sites\":[\"bad id!\"],\"threshold\":1}")]
    public void MalformedTasksGetAnErrorReplyNotACrash(string json)
    {
        FederationTaskReply reply = FederationTaskReply.Parse(Endpoint().Handle(Encoding.UTF8.GetBytes(json)));

        Assert.False(reply.Ok);
        Assert.False(string.IsNullOrEmpty(reply.Error));
    }

    [Fact]
    public void BroadcastReturnsWhatTheSiteReleasesAndKeepsACopy()
    {
        SiteFederationEndpoint endpoint = Endpoint();
        string? kept = null;
        endpoint.Released += (_, json) => kept = json;

        FederationTaskReply reply = Send(endpoint, new FederationTask { Op = FederationTask.Broadcast, Kind = "evaluate", Payload = "{}" });

        Assert.True(reply.Ok);
        Assert.Equal("{\"auc\":0.8}", reply.Released);
        Assert.Equal(reply.Released, kept);
    }
}
