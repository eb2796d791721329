using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ContentPlatform.Hosting.Processes;
using ContentPlatform.Tests.Api;
using ContentPlatform.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ContentPlatform.Tests.OpenApi;

// The document a frontend team generates its client from passes Redocly's recommended rules with nothing to report.
public sealed class OpenApiLintTests(ApiFactory factory, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    // Installed by scripts/test.sh (npm, the version pinned there) into a folder git ignores.
    private static readonly string Redocly = Path.Combine(RepositoryLayout.Root(), ".tools", "redocly", "node_modules", ".bin", "redocly");

    [Fact]
    public async Task The_document_passes_redocly_recommended_lint_with_no_error_and_no_warning()
    {
        Assert.True(File.Exists(Redocly), $"Redocly CLI is missing at {Redocly}: run scripts/test.sh, which installs it.");
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = Path.Combine(TestServers.NewTempDirectory("openapi"), "openapi.json");
        await File.WriteAllTextAsync(path, await response.Content.ReadAsStringAsync());

        var (exitCode, report) = await LintAsync(path);

        output.WriteLine(report);
        var totals = JsonDocument.Parse(report[report.IndexOf('{')..]).RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0 && exitCode == 0,
            $"redocly lint of {path} (exit code {exitCode}):\n{report}");
    }

    private static async Task<(int ExitCode, string Report)> LintAsync(string document)
    {
        var startInfo = new ProcessStartInfo(Redocly)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // No redocly.yaml applies: the rules are the recommended set and nothing else.
            WorkingDirectory = Path.GetDirectoryName(document)!,
        };
        foreach (var argument in (string[])["lint", document, "--extends=recommended", "--format=json", "--max-problems=1000"])
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["REDOCLY_TELEMETRY"] = "off";
        startInfo.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        // stdout is the JSON report; stderr has the progress lines and Node's notices.
        return (process.ExitCode, await stdout);
    }
}
