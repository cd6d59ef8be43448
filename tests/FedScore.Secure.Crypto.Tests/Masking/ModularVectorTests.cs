using FedScore.Secure.Crypto.Masking;

namespace FedScore.Secure.Crypto.Tests.Masking;

public class ModularVectorTests
{
    [Fact]
    public void AdditionWrapsModuloTheWordSize()
    {
        uint[] a = Enumerable.Range(0, 37).Select(i => uint.MaxValue - (uint)i).ToArray();
        uint[] b = Enumerable.Range(0, 37).Select(i => (uint)i + 5).ToArray();
        ModularVector.Add(a, b);
        Assert.All(a, v => Assert.Equal(4u, v));

        ulong[] c = Enumerable.Range(0, 19).Select(i => ulong.MaxValue).ToArray();
        ulong[] d = Enumerable.Range(0, 19).Select(i => (ulong)i + 1).ToArray();
        ModularVector.Add(c, d);
        Assert.Equal(Enumerable.Range(0, 19).Select(i => (ulong)i).ToArray(), c);
        Assert.Throws<ArgumentException>(() => ModularVector.Add(new uint[3], new uint[4]));
    }
}
