using System.CommandLine;
using FedScore.Secure.Crypto.Identity;

namespace FedScore.Secure.Cli.Commands;

/// <summary>
/// `fedscore keygen`: creates a site's long-term Ed25519 identity key (kept at the site) and lists its public key in
/// a roster file (which every participant must obtain out of band: copy it, compare fingerprints by phone).
/// </summary>
internal static class KeygenCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "Site name (letters, digits, . _ -)", Required = true };
        var key = new Option<FileInfo?>("--key") { Description = "Where to write the secret key (default NAME.key); never overwritten" };
        var roster = new Option<FileInfo>("--roster") { Description = "Roster file to add the public key to (created if missing)", DefaultValueFactory = _ => new FileInfo("roster.json") };
        var command = new Command("keygen", "Create a site identity key and add its public key to a roster file") { name, key, roster };
        command.SetAction(parse =>
        {
            var site = new ParticipantId(parse.GetValue(name)!);
            FileInfo keyFile = parse.GetValue(key) ?? new FileInfo($"{site}.key");
            FileInfo rosterFile = parse.GetValue(roster)!;
            using SiteSigningKey signing = SiteSigningKey.Generate(site);
            signing.WriteKeyFile(keyFile.FullName);

            var entries = new Dictionary<ParticipantId, SiteVerificationKey>();
            string? sessionName = null;
            if (rosterFile.Exists)
            {
                SiteRoster existing = SiteRoster.Load(rosterFile.FullName);
                sessionName = existing.SessionName;
                foreach (ParticipantId s in existing.Sites)
                {
                    entries[s] = existing[s];
                }
            }

            entries[site] = signing.VerificationKey;
            SiteRoster.Create(sessionName, entries).Save(rosterFile.FullName);
            context.Out.WriteLine($"site {site}: secret key written to {keyFile.FullName} (keep it at the site)");
            context.Out.WriteLine($"public key {signing.VerificationKey.Fingerprint} added to {rosterFile.FullName} ({entries.Count} sites)");
            return 0;
        });
        return command;
    }
}
