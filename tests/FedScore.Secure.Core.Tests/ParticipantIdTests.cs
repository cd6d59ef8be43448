namespace FedScore.Secure.Core.Tests;

public class ParticipantIdTests
{
    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public void InvalidNamesAreRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => new ParticipantId(name));
    }

    [Fact]
    public void NamesSortOrdinally()
    {
        ParticipantId[] ids = [new("b"), new("B"), new("a")];

        Assert.Equal(["B", "a", "b"], ids.Order().Select(i => i.Value));
    }
}
