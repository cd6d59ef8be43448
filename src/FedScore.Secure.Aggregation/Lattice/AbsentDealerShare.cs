using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Lattice;

/// <summary>
/// The share a recipient records for a key party that advertised keys but never delivered its key-generation message.
/// </summary>
/// <remarks>
/// Such a party's public-key share is not in the collective key p = Σ_{i∈D} p_i either, so the collective secret is
/// s = Σ_{i∈D} s_i over the dealers D that did deliver. Party j's threshold share must then be Σ_{i∈D} f_i(j), i.e. the
/// absent dealer's polynomial is f ≡ 0 (it shares the secret 0). <see cref="ShamirKeySharing.Combine"/> wants one
/// share from each of the n points' dealers, so the absent dealer is represented by the zero share, built through the
/// public wire format (the library exposes no other constructor). The zero polynomial is not a secret.
/// Lead: a <c>Combine(point, received, dealers)</c> overload in the lattice library would make this helper unnecessary.
/// </remarks>
internal static class AbsentDealerShare
{
    public static ShamirShare Create(RlweParameters parameters, int dealer, int recipient)
    {
        var w = new WireWriter(64 + LatticeSerializer.PolynomialSize(parameters));
        // LatticeSerializer format v1: 'L' 'H' | version | kind | parameter-set id | N | limbs | dealer | recipient | polynomial.
        w.WriteByte((byte)'L').WriteByte((byte)'H').WriteByte(LatticeSerializer.Version).WriteByte((byte)LatticeObjectKind.ShamirShare);
        parameters.Id.WriteTo(w.Reserve(ParameterSetId.Size));
        w.WriteVarUInt((ulong)parameters.N).WriteVarUInt((ulong)parameters.Moduli.Count)
            .WriteVarUInt((ulong)dealer).WriteVarUInt((ulong)recipient);
        w.Reserve(LatticeSerializer.PolynomialSize(parameters)).Clear();
        return LatticeSerializer.ReadShamirShare(w.WrittenSpan, parameters, "absent dealer's zero share");
    }
}
