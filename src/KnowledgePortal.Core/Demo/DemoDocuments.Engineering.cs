using KnowledgePortal.Core.Demo.Builders;

namespace KnowledgePortal.Core.Demo;

public static partial class DemoDocuments
{
    private static byte[] IncidentRunbook() =>
        new DocxBuilder("Incident Runbook", "en-US")
            .Title("Incident Runbook")
            .Paragraph("Engineering, Contoso Japan K.K. Version 4.2, last reviewed March 2026. Applies to every production service of the Contoso Commerce Platform.")

            .Heading1("Severity levels")
            .Paragraph("The first responder sets the severity when opening the incident in the #incidents channel. Raise the severity as soon as the impact grows; lower it only with the incident commander's agreement.")
            .Table(
                ["Severity", "Definition", "Response time", "Updates"],
                ["SEV1", "Critical: customer-facing outage, payments failing, or data loss", "15 minutes, 24/7", "Every 30 minutes; incident commander and CTO paged"],
                ["SEV2", "Major: key feature unavailable or severe slowness for many customers", "30 minutes, 24/7", "Every hour"],
                ["SEV3", "Minor: partial degradation with a workaround", "4 business hours", "Daily"],
                ["SEV4", "Low: cosmetic issue or internal tool problem, no customer impact", "Next business day", "In the ticket"])

            .Heading1("On-call rotation")
            .Bullets(
                "Each week has a primary and a secondary on-call engineer; see oncall-schedule.xlsx.",
                "The rotation changes every Monday at 10:00 JST with a 15-minute handover call.",
                "Acknowledge a page within 5 minutes. If the primary does not acknowledge within 10 minutes, the page escalates to the secondary, then to the engineering manager.",
                "On-call engineers receive an allowance of JPY 5,000 per weekday and JPY 10,000 per weekend day or holiday.",
                "If you cannot cover your shift, swap with a colleague and update the schedule before the handover.")

            .Heading1("Handling an incident")
            .Numbered(
                "Acknowledge the page and join the #incidents channel.",
                "Declare the incident with /incident open, set the severity and name an incident commander (SEV1 and SEV2).",
                "Mitigate first: roll back, restart, or fail over. Root-cause analysis comes later.",
                "Post status updates at the interval required by the severity.",
                "Close the incident when the service has been healthy for 30 minutes.")

            .Heading1("Restarting the orders-api")
            .Paragraph("The orders-api runs as the Kubernetes deployment orders-api in the orders namespace with 6 replicas. Restart it when pods are healthy according to Kubernetes but requests time out, for example after a database failover leaves stale connections.")
            .Heading2("Steps")
            .Steps(
                ("Check the Grafana dashboard \"Orders API / Golden signals\" and note the error rate and p95 latency.", null),
                ("List the pods and look for restarts or Pending pods:", "kubectl -n orders get pods -l app=orders-api"),
                ("Start a rolling restart (pods are replaced one at a time, so there is no downtime):", "kubectl -n orders rollout restart deployment/orders-api"),
                ("Wait for the rollout to finish (it normally takes 3-4 minutes):", "kubectl -n orders rollout status deployment/orders-api --timeout=5m"),
                ("Verify that /healthz returns 200 and the error rate is back below 1% for 10 minutes.", null),
                ("If the error rate does not recover, roll back to the previous release and escalate to SEV2:", "kubectl -n orders rollout undo deployment/orders-api"))
            .LabelledParagraph("Note: ", "never scale the orders-api below 3 replicas during business hours (9:00-22:00 JST); the checkout flow depends on it.")

            .Heading1("Postmortems")
            .Paragraph("Every SEV1 and SEV2 incident needs a blameless postmortem, written within 5 business days of the incident being closed. Use the postmortem template in the Engineering wiki. The postmortem covers the timeline, impact, root cause, what went well, and action items with owners and due dates. Action items are tracked in Jira with the label postmortem and are reviewed in the weekly operations meeting every Thursday.")
            .Build();

    private static byte[] ArchitectureOverview() =>
        new PptxBuilder("Architecture Overview", "en-US")
            .TitleSlide(
                "Contoso Commerce Platform: Architecture Overview",
                "Engineering, Contoso Japan K.K. - 2026 edition",
                "This deck is the starting point for new engineers. Details live in the service READMEs and the runbooks.")
            .ContentSlide(
                "Services",
                [
                    "web-frontend: customer web shop (Next.js), served through the CDN",
                    "orders-api: orders and checkout (.NET 10), owned by the Orders team",
                    "catalog-api: products, prices and search",
                    "payments-gateway: card and konbini payments via the PSP",
                    "notification-worker: e-mail and LINE messages from a queue",
                    "  Services talk over HTTP/JSON inside the cluster and publish events to RabbitMQ",
                ],
                "Each service has one owning team. The orders-api is the most critical service: if it is down, nobody can check out.")
            .ContentSlide(
                "Data",
                [
                    "PostgreSQL 15 is the system of record (one database per service)",
                    "pgvector extension in the catalog database for semantic product search",
                    "  Embeddings with 1,536 dimensions, HNSW index",
                    "Redis for sessions and caching (TTL 10 minutes for prices)",
                    "Object storage for product images and exports",
                    "Point-in-time recovery with 14 days of WAL retention",
                ],
                "We chose pgvector over a separate vector database to keep operations simple: one backup, one failover process.")
            .ContentSlide(
                "Deployment",
                [
                    "Managed Kubernetes 1.30 cluster in the Tokyo region, 3 availability zones",
                    "Helm charts per service; Argo CD syncs the cluster from Git (GitOps)",
                    "CI builds container images and runs tests on every pull request",
                    "Production releases on Tuesdays and Thursdays (see デプロイ手順書)",
                    "Rolling updates with readiness probes; rollback with Argo CD or kubectl rollout undo",
                ],
                "Staging mirrors production at a smaller scale. Nobody applies manifests to production by hand.")
            .ContentSlide(
                "Request flow (diagram described as text)",
                [
                    "Browser → CDN → Ingress (NGINX) → web-frontend",
                    "web-frontend → orders-api → PostgreSQL (orders database)",
                    "orders-api → payments-gateway → external payment provider",
                    "orders-api → RabbitMQ → notification-worker → e-mail / LINE",
                    "catalog-api → PostgreSQL with pgvector (catalog database) and Redis",
                ],
                "The diagram on the wiki shows the same flow as boxes and arrows. Everything to the right of the Ingress runs inside the cluster.")
            .TableSlide(
                "Observability and ownership",
                ["Service", "Team", "SLO (availability)", "Dashboard"],
                [
                    ["orders-api", "Orders", "99.95%", "Orders API / Golden signals"],
                    ["catalog-api", "Catalog", "99.9%", "Catalog / Search"],
                    ["payments-gateway", "Payments", "99.95%", "Payments / PSP"],
                    ["notification-worker", "Platform", "99.5%", "Platform / Queues"],
                ],
                "Metrics go to Prometheus and Grafana, logs to Loki, traces via OpenTelemetry. Alerts page the on-call engineer; see the incident runbook.")
            .Build();

    private static byte[] DeployChecklistJa() =>
        new DocxBuilder("デプロイ手順書", "ja-JP")
            .Title("デプロイ手順書（本番環境）")
            .Paragraph("コントソ・ジャパン株式会社　エンジニアリング部　第3版（2026年3月改訂）。Contoso Commerce Platform の全サービスの本番リリースに適用します。")

            .Heading1("リリース日時")
            .Bullets(
                "本番リリースは火曜日と木曜日の14:00〜16:00（日本時間）に行います。",
                "金曜日、祝日の前日、年末年始（12月28日〜1月4日）はリリースを行いません。",
                "緊急の修正（SEV1・SEV2の対応）は、承認があれば上記以外の日時でもリリースできます。")

            .Heading1("承認者")
            .Paragraph("リリース前に、変更の種類に応じた承認者の承認をプルリクエスト上で得てください。")
            .Table(
                ["変更の種類", "承認者"],
                ["通常のリリース", "チームリード＋QAリード"],
                ["データベースのスキーマ変更", "チームリード＋DBA（山本）"],
                ["インフラ・Kubernetes設定の変更", "プラットフォームチームのリード"],
                ["緊急リリース", "エンジニアリングマネージャー（鈴木）"])

            .Heading1("事前確認")
            .Numbered(
                "ステージング環境でリグレッションテストがすべて成功していること。",
                "リリースノートを作成し、#release チャンネルに共有していること。",
                "DBマイグレーションが後方互換であること（旧バージョンのアプリでも動作すること）。",
                "監視ダッシュボードとアラートを確認できる担当者が2名以上いること。")

            .Heading1("リリース手順")
            .Numbered(
                "#release チャンネルでリリース開始を宣言します。",
                "Argo CD でリリース対象のアプリケーションを同期（Sync）します。",
                "ローリングアップデートの完了を確認します（通常5分以内）。",
                "スモークテストを実行し、主要な画面とAPIが正常に動作することを確認します。",
                "リリース後30分間、エラー率とレイテンシを監視します。")

            .Heading1("ロールバック手順")
            .Paragraph("リリース後15分以内にエラー率が1%を超えた場合、またはp95レイテンシが2倍以上になった場合は、原因調査より先にロールバックします。")
            .Numbered(
                "#release チャンネルでロールバック開始を宣言します。",
                "Argo CD で直前のリビジョンを選択し、「Rollback」を実行します。",
                "Argo CD が使えない場合は kubectl rollout undo で直前のバージョンに戻します。",
                "エラー率が平常値に戻ったことを確認します。",
                "DBマイグレーションは後方互換のため、原則としてデータベースは戻しません。",
                "インシデントとして記録し、5営業日以内にポストモーテムを作成します。")
            .Code("kubectl -n orders rollout undo deployment/orders-api")

            .Heading1("連絡先")
            .Paragraph("リリースに関する質問は #release チャンネル、緊急時はオンコール担当（oncall-schedule.xlsx 参照）へ連絡してください。")
            .Build();

    private static byte[] OncallSchedule()
    {
        var workbook = new XlsxBuilder("On-call schedule", "en-US");
        var sheet = workbook.Sheet("On-call", 14, 22, 22, 18)
            .Header("Week", "Primary", "Secondary", "Phone");
        var rota = new (string Primary, string Secondary, string Phone)[]
        {
            ("Ito Daiki", "Kobayashi Mei", "090-5555-0101"),
            ("Kobayashi Mei", "Watanabe Sho", "090-5555-0102"),
            ("Watanabe Sho", "Yamamoto Rina", "090-5555-0103"),
            ("Yamamoto Rina", "Nakamura Kaito", "090-5555-0104"),
            ("Nakamura Kaito", "Kato Yuna", "090-5555-0105"),
            ("Kato Yuna", "Yoshida Ren", "090-5555-0106"),
            ("Yoshida Ren", "Matsumoto Aoi", "090-5555-0107"),
            ("Matsumoto Aoi", "Ito Daiki", "090-5555-0108"),
        };
        var monday = new DateOnly(2026, 4, 6);
        foreach (var (primary, secondary, phone) in rota)
        {
            sheet.Row(monday, primary, secondary, phone);
            monday = monday.AddDays(7);
        }

        workbook.Sheet("Notes", 100)
            .Header("Notes")
            .Row("Week starts on Monday at 10:00 JST; the handover call is 10:00-10:15.")
            .Row("Phone is the primary's on-call mobile. Escalation: secondary after 10 minutes, then the engineering manager (Suzuki, 090-5555-0199).")
            .Row("Swaps: agree with a colleague and update this sheet before the handover.");
        return workbook.Build();
    }

    private static byte[] ApiStyleGuide() =>
        new PdfBuilder("API style guide")
            .Title("Contoso API Style Guide")
            .Paragraph("Engineering, Contoso Japan K.K. Version 1.4, January 2026. These rules apply to every public and internal HTTP API of the Contoso Commerce Platform. New endpoints must follow them; existing endpoints are migrated when a new major version is released.")
            .Heading("1. REST naming")
            .Bullets(
                "Resources are plural nouns: /orders, /customers, /products.",
                "Paths are lower case kebab-case: /gift-cards, not /giftCards or /gift_cards.",
                "Nest at most one level: /orders/{orderId}/items. Deeper relations use query parameters.",
                "Actions that are not CRUD use a sub-resource verb with POST: POST /orders/{orderId}/cancel.",
                "The major version is the first path segment: /v1/orders. Breaking changes need a new version.",
                "JSON field names are camelCase; identifiers are strings, e.g. \"orderId\": \"ord_01HV5K\".",
                "Timestamps are ISO 8601 in UTC with a Z suffix: 2026-04-01T09:00:00Z. Money is an object with amount (integer, minor units) and currency (ISO 4217, e.g. JPY).")
            .Heading("HTTP methods and status codes")
            .Bullets(
                "GET reads, POST creates (201 Created with a Location header), PATCH updates partially, DELETE removes (204 No Content).",
                "PUT is only used for full replacement of client-defined resources.",
                "Use 400 for validation errors, 401 when not authenticated, 403 when not allowed, 404 when not found, 409 for conflicts, 429 when rate limited.",
                "POST endpoints that create payments or orders require an Idempotency-Key header.")
            .PageBreak()
            .Heading("2. Pagination with cursors")
            .Paragraph("List endpoints use cursor-based pagination. Offset pagination (page=3) is not allowed for new endpoints, because results shift when items are added and deep offsets are slow in PostgreSQL.")
            .Bullets(
                "Request parameters: limit (default 50, maximum 200) and cursor (opaque string from the previous response).",
                "The response contains items and nextCursor. nextCursor is null on the last page.",
                "Cursors are opaque to clients: base64url-encoded, containing the sort key and id of the last item.",
                "Cursors expire after 24 hours; an expired cursor returns 400 with type /problems/invalid-cursor.",
                "The sort order is fixed per endpoint and documented; the default is createdAt descending.")
            .Paragraph("Example request and response:")
            .Code(
                "GET /v1/orders?limit=2&cursor=eyJjIjoiMjAyNi0wNC0wMSJ9",
                "",
                "200 OK",
                "{",
                "  \"items\": [",
                "    { \"orderId\": \"ord_01HV5K\", \"status\": \"paid\" },",
                "    { \"orderId\": \"ord_01HV5J\", \"status\": \"shipped\" }",
                "  ],",
                "  \"nextCursor\": \"eyJjIjoiMjAyNi0wMy0zMSJ9\"",
                "}")
            .PageBreak()
            .Heading("3. Error format (RFC 7807)")
            .Paragraph("All errors are returned as Problem Details for HTTP APIs as defined in RFC 7807, with the content type application/problem+json. Never return an HTML error page or a plain string from an API.")
            .Bullets(
                "type: a URI that identifies the problem type, e.g. https://api.contoso.example/problems/out-of-stock.",
                "title: a short, human-readable summary that does not change between occurrences.",
                "status: the HTTP status code, repeated in the body.",
                "detail: an explanation specific to this occurrence; never include stack traces or personal data.",
                "instance: the request path that caused the problem.",
                "Extension members: traceId (always) and errors (for validation, a map of field name to messages).")
            .Paragraph("Example error response:")
            .Code(
                "HTTP/1.1 409 Conflict",
                "Content-Type: application/problem+json",
                "",
                "{",
                "  \"type\": \"https://api.contoso.example/problems/out-of-stock\",",
                "  \"title\": \"Item is out of stock\",",
                "  \"status\": 409,",
                "  \"detail\": \"Product prd_7781 has 0 units left in the Tokyo warehouse.\",",
                "  \"instance\": \"/v1/orders\",",
                "  \"traceId\": \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"",
                "}")
            .Paragraph("Questions about this guide go to the API guild in the #api-guild channel. Reviews of new APIs take place every Wednesday.")
            .Build();
}
