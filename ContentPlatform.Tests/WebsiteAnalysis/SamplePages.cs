namespace ContentPlatform.Tests.WebsiteAnalysis;

// Two unrelated businesses' home pages: analysis must tell them apart from their text alone.
public static class SamplePages
{
    public const string Bakery = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Home | Crumb &amp; Co Bakery</title>
          <meta name="description" content="Crumb &amp; Co bakes slow-fermented sourdough bread and pastries for busy families in Portland.">
          <meta property="og:site_name" content="Crumb &amp; Co">
          <style>.hero { color: red; } body { font-family: serif; }</style>
          <script>window.trackingSecret = "do-not-index";</script>
        </head>
        <body>
          <header>
            <nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/menu">Menu navigation link</a></nav>
            <a class="button" href="/order">Order online</a>
          </header>
          <main>
            <h1>Sourdough bread, baked every morning</h1>
            <p>Our bakers start the sourdough at 4 a.m. so busy families get warm bread before school.
               Every loaf is slow-fermented for 36 hours with organic flour from local mills.</p>
            <h2>Pastries for weekend brunch</h2>
            <p>Croissants, cinnamon buns and seasonal fruit pastries, made for coffee lovers who want a treat.</p>
            <h2>Sourdough classes</h2>
            <p>Learn to bake sourdough bread at home in our Saturday classes.</p>
            <a href="/classes/book">Book a class</a>
            <button>Subscribe to our newsletter</button>
            <div hidden>Hidden coupon text</div>
            <noscript>Please enable JavaScript</noscript>
          </main>
          <footer><p>Copyright Crumb &amp; Co. Footer address text.</p><a href="/contact">Contact us</a></footer>
        </body>
        </html>
        """;

    public const string Software = """
        <!doctype html>
        <html>
        <head>
          <title>Ledgerly — Invoicing software for freelancers</title>
          <meta name="description" content="Ledgerly is invoicing and expense tracking software built for freelancers and small agencies.">
        </head>
        <body>
          <h1>Get paid faster with automated invoicing</h1>
          <p>Ledgerly sends invoices, chases late payments and tracks expenses automatically, so freelancers can focus on client work.</p>
          <h2>Invoicing that runs itself</h2>
          <p>Recurring invoices, payment reminders and online card payments in one platform with a simple dashboard.</p>
          <h2>Expense tracking for tax time</h2>
          <p>Snap receipts and export expense reports for your accountant. Integrations with your bank and accounting software.</p>
          <a href="https://app.ledgerly.example/signup">Start your free trial</a>
          <a href="/demo">Request a demo</a>
        </body>
        </html>
        """;
}
