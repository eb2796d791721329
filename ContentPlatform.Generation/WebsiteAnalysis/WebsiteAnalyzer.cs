using ContentPlatform.Generation.ModelAccess;
using ContentPlatform.Data.Entities;
using ContentPlatform.Generation.Images;
using IImageGenerator = ContentPlatform.Generation.Images.IImageGenerator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ContentPlatform.Generation.WebsiteAnalysis;

// The website-analysis pipeline: read page → analyze → audiences → pitches → images → save. Each step is a method
// so a job handler can report progress between them; RunAsync runs them all and reports for it.
public sealed partial class WebsiteAnalyzer(
    WebsiteFetcher fetcher,
    IImageGenerator images,
    WebsiteAnalysisStore store,
    IModelInfo model,
    ILogger<WebsiteAnalyzer> logger,
    IChatClient? chatClient = null)
{
    private const int MaxPromptText = 12_000;

    private bool UsesModel => !model.IsOffline && chatClient is not null;

    public async Task<WebsiteAnalysisResult> RunAsync(
        string url,
        ContentOwner owner,
        Func<WebsiteAnalysisProgress, CancellationToken, Task>? onProgress,
        CancellationToken cancellationToken)
    {
        // Remaining-time estimates in seconds at the start of each step: a model takes far longer than templates.
        var remaining = UsesModel ? new[] { 60, 40, 25, 10 } : [4, 3, 2, 1];
        await Report(5, WebsiteAnalysisSteps.Analyzing, remaining[0]);
        var page = await ReadPageAsync(url, cancellationToken);
        var analysis = await AnalyzeAsync(page, cancellationToken);

        await Report(30, WebsiteAnalysisSteps.Audiences, remaining[1]);
        var scenarios = await GenerateAudiencesAsync(page, analysis, cancellationToken);

        await Report(55, WebsiteAnalysisSteps.Pitches, remaining[2]);
        scenarios = await GeneratePitchesAsync(analysis, scenarios, cancellationToken);

        await Report(80, WebsiteAnalysisSteps.Images, remaining[3]);
        scenarios = await GenerateImagesAsync(analysis, scenarios, cancellationToken);

        return await SaveAsync(owner, page, analysis, scenarios, cancellationToken);

        Task Report(int progress, string step, int estimatedTimeRemaining) =>
            onProgress?.Invoke(new WebsiteAnalysisProgress(progress, step, estimatedTimeRemaining), cancellationToken)
            ?? Task.CompletedTask;
    }

    public async Task<PageContent> ReadPageAsync(string url, CancellationToken cancellationToken)
    {
        var page = PageTextExtractor.Extract(await fetcher.FetchAsync(url, cancellationToken));
        if (page.Text.Length == 0 && page.Title is null && page.MetaDescription is null)
        {
            throw new GenerationFailedException("The website's page has no readable text", GenerationErrorCodes.EmptyPage);
        }
        LogPageRead(logger, page.Url, page.Text.Length, page.Headings.Count);
        return page;
    }

    public async Task<BusinessAnalysis> AnalyzeAsync(PageContent page, CancellationToken cancellationToken)
    {
        if (!UsesModel)
        {
            return OfflineWebsiteAnalysis.Analyze(page);
        }
        var answer = await StructuredOutput.GetAsync<ModelAnalysis>(chatClient!,
        [
            new(ChatRole.System,
                "You analyze a business's website for a content-marketing product. Use only what the page says; " +
                "where the page is silent, infer conservatively. Keywords are lower-case search terms, at most 12."),
            new(ChatRole.User, Describe(page)),
        ], ModelAnalysis.Validate, "website analysis", cancellationToken);
        return new BusinessAnalysis(answer.BusinessName, answer.BusinessType, answer.Description, answer.TargetAudience,
            answer.Keywords.Take(KeywordExtractor.MaxKeywords).ToList(), answer.BrandVoice, answer.ContentFocus);
    }

    public async Task<IReadOnlyList<AudienceScenario>> GenerateAudiencesAsync(
        PageContent page, BusinessAnalysis analysis, CancellationToken cancellationToken)
    {
        if (!UsesModel)
        {
            return OfflineWebsiteAnalysis.Audiences(page, analysis);
        }
        var answer = await StructuredOutput.GetAsync<ModelAudiences>(chatClient!,
        [
            new(ChatRole.System,
                $"You define {OfflineWebsiteAnalysis.AudienceCount} distinct audiences a business should write content for. " +
                "Each has a short name, who they are, what they value, how they search, the problem they want solved, " +
                "the value the business gives them, 3 SEO keywords and the next step they take (a call to action on the site)."),
            new(ChatRole.User, $"{Describe(analysis)}\n\n{Describe(page)}"),
        ], ModelAudiences.Validate, "list of audiences", cancellationToken);
        return answer.Audiences.Select(a => new AudienceScenario(
            Guid.CreateVersion7(),
            a.Name,
            new TargetSegment(a.Demographics, a.Psychographics, a.SearchBehavior),
            a.CustomerProblem,
            a.BusinessValue,
            a.SeoKeywords,
            a.ConversionPath)).ToList();
    }

    public async Task<IReadOnlyList<AudienceScenario>> GeneratePitchesAsync(
        BusinessAnalysis analysis, IReadOnlyList<AudienceScenario> scenarios, CancellationToken cancellationToken)
    {
        if (!UsesModel)
        {
            return scenarios.Select(s => s with { Pitch = OfflineWebsiteAnalysis.Pitch(analysis, s) }).ToList();
        }
        var listing = string.Join('\n', scenarios.Select((s, i) =>
            $"{i + 1}. {s.Name} ({s.TargetSegment.Demographics}); problem: {s.CustomerProblem}; next step: {s.ConversionPath}"));
        var answer = await StructuredOutput.GetAsync<ModelPitches>(chatClient!,
        [
            new(ChatRole.System,
                "You write one two-sentence marketing pitch per audience, in the business's brand voice, in the audiences' order."),
            new(ChatRole.User, $"{Describe(analysis)}\n\nAudiences:\n{listing}"),
        ], pitches => ModelPitches.Validate(pitches, scenarios.Count), "list of pitches", cancellationToken);
        return scenarios.Select((s, i) => s with { Pitch = answer.Pitches[i] }).ToList();
    }

    public async Task<IReadOnlyList<AudienceScenario>> GenerateImagesAsync(
        BusinessAnalysis analysis, IReadOnlyList<AudienceScenario> scenarios, CancellationToken cancellationToken)
    {
        var withImages = new List<AudienceScenario>(scenarios.Count);
        // One at a time: image generators may share the request's DbContext.
        foreach (var scenario in scenarios)
        {
            var image = await images.GenerateAsync(OfflineWebsiteAnalysis.ImagePrompt(analysis, scenario), cancellationToken);
            withImages.Add(scenario with { ImageId = image.Id, ImageUrl = image.Url });
        }
        return withImages;
    }

    public async Task<WebsiteAnalysisResult> SaveAsync(
        ContentOwner owner, PageContent page, BusinessAnalysis analysis, IReadOnlyList<AudienceScenario> scenarios,
        CancellationToken cancellationToken)
    {
        var organizationId = await store.SaveAsync(owner, page, analysis, scenarios, cancellationToken);
        return new WebsiteAnalysisResult(
            Success: true,
            Url: page.Url.AbsoluteUri,
            ScrapedAt: page.FetchedAt,
            Analysis: analysis with { OrganizationId = organizationId },
            Metadata: new PageMetadata(page.Title, page.MetaDescription, page.SiteName, page.Headings),
            Scenarios: scenarios,
            Ctas: page.CallsToAction,
            CtaCount: page.CallsToAction.Count,
            HasSufficientCTAs: page.CallsToAction.Count >= 3,
            OrganizationId: organizationId,
            Generator: UsesModel ? "model" : "offline");
    }

    private static string Describe(PageContent page)
    {
        var text = page.Text.Length <= MaxPromptText ? page.Text : page.Text[..MaxPromptText];
        return $"""
            Website: {page.Url}
            Title: {page.Title}
            Site name: {page.SiteName}
            Meta description: {page.MetaDescription}
            Headings: {string.Join(" | ", page.Headings)}
            Frequent keywords: {string.Join(", ", page.Keywords)}
            Visible text:
            {text}
            """;
    }

    private static string Describe(BusinessAnalysis analysis) => $"""
        Business: {analysis.BusinessName} ({analysis.BusinessType})
        Description: {analysis.Description}
        Target audience: {analysis.TargetAudience}
        Brand voice: {analysis.BrandVoice}
        Keywords: {string.Join(", ", analysis.Keywords)}
        """;

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Url}: {TextLength} characters of text, {HeadingCount} headings")]
    private static partial void LogPageRead(ILogger logger, Uri url, int textLength, int headingCount);
}
