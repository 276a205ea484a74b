namespace AppKeys.E2E.Tests.Support;

/// <summary>One FROM stage of a Dockerfile.</summary>
internal sealed record DockerStage(string BaseImage, string? Name)
{
    public List<DockerInstruction> Instructions { get; } = [];

    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
}
