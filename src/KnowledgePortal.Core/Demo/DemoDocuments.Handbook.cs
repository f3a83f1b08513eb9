using KnowledgePortal.Core.Demo.Builders;

namespace KnowledgePortal.Core.Demo;

public static partial class DemoDocuments
{
    private static byte[] EmployeeHandbook() =>
        new DocxBuilder("Contoso Japan Employee Handbook", "en-US")
            .Title("Contoso Japan Employee Handbook")
            .Paragraph("Version 2026.1, effective 1 April 2026. Owner: People & Culture (HR). This handbook applies to all employees of Contoso Japan K.K. in Tokyo, Osaka and Fukuoka. Where this handbook and the Rules of Employment (shugyo kisoku) differ, the Rules of Employment prevail.")

            .Heading1("Working hours")
            .Paragraph("The standard working day is 7 hours 30 minutes plus a 60-minute lunch break. Most teams work on the flextime system; shift-based teams in Customer Support follow the roster published by their team lead.")
            .Heading2("Core hours and flextime")
            .Paragraph("Core hours are 10:00–15:00. Every employee on flextime must be working during core hours unless they have taken leave. Outside core hours you may choose when to start and finish: the flexible start band is 7:00–10:00 and the flexible finish band is 15:00–21:00.")
            .Bullets(
                "Hours are settled monthly: the required total is 7.5 hours multiplied by the number of working days in the month.",
                "Record your start and finish times every day in the Attendance system (Kintai) before 10:00 the next working day.",
                "Work after 22:00 is late-night work and needs your manager's approval in advance.")
            .Heading2("Overtime")
            .Paragraph("Overtime must be requested in the Attendance system and approved by your manager before you work it. Overtime is capped at 45 hours per month and 360 hours per year under the company's labour-management agreement (36 agreement). Managers receive an alert when a team member passes 30 hours in a month.")

            .Heading1("Annual leave")
            .Paragraph("New employees receive 10 days of paid annual leave six months after joining. The entitlement grows by one or two days each year up to a maximum of 20 days. Unused days can be carried over for one year. Request leave in the Attendance system at least 5 business days before the first day of leave; your manager approves the request. For sudden illness, tell your manager by 9:30 on the day and submit the request within 3 business days.")

            .Heading1("Remote work")
            .Paragraph("Employees whose role allows it may work remotely up to 3 days a week. Teams agree their office days; every team has at least one shared office day per week. Remote work from outside Japan is not permitted without written approval from HR.")
            .Bullets(
                "Register remote work days in the Attendance system by the end of the previous working day.",
                "Connecting through the company VPN (Contoso Secure Connect) is required for all remote work, including email on a laptop.",
                "Do not work from public Wi-Fi without the VPN, and never leave a company laptop unattended in public places.",
                "Core hours apply on remote days; keep your Teams status up to date.",
                "A monthly remote work allowance of JPY 3,000 is paid with salary to cover electricity and internet.")

            .Heading1("Expenses")
            .Paragraph("Submit expense claims within 30 days of the expense via the Expense portal. Claims older than 30 days are rejected unless your department head approves an exception. Attach an itemised receipt (a photo is fine) for every item; qualified invoices are required for amounts of JPY 30,000 or more.")
            .Bullets(
                "Trains and buses: use IC-card history or a route printout; the cheapest reasonable route is reimbursed.",
                "Taxis are allowed after 22:00, when carrying heavy equipment, or when public transport is not running. Note the reason in the claim.",
                "Business entertainment needs your manager's approval beforehand and is limited to JPY 10,000 per person.",
                "Domestic flights are economy class; international flights of more than 8 hours may be premium economy.",
                "Expenses are paid with the next salary if the claim is approved by the 10th of the month.")

            .Heading1("IT security")
            .Paragraph("Every account must be protected with a password of at least 14 characters and multi-factor authentication (MFA). Use the Microsoft Authenticator app as the MFA method; SMS codes are only allowed as a backup. Passwords are not rotated on a schedule but must be changed immediately if you suspect they are compromised.")
            .Bullets(
                "Lock your screen whenever you leave your desk; laptops lock automatically after 5 minutes.",
                "Store work files in OneDrive or SharePoint, not on USB drives. USB storage is blocked on company laptops.",
                "Report phishing with the Report button in Outlook, and report lost devices to the IT Service Desk within 1 hour (extension 4357).",
                "Install software only from the Company Portal app.")

            .Heading1("Office locations")
            .Paragraph("Contoso Japan has three offices. Reception is open 8:30–19:00 on business days.")
            .Table(
                ["Office", "Address", "Phone"],
                ["Tokyo (head office)", "Contoso Tower 18F, 2-7-1 Konan, Minato-ku, Tokyo 108-0075", "03-5555-0100"],
                ["Osaka", "Umeda Riverside Building 9F, 3-3-10 Umeda, Kita-ku, Osaka 530-0001", "06-5555-0200"],
                ["Fukuoka", "Tenjin Harbor Building 6F, 1-8-1 Tenjin, Chuo-ku, Fukuoka 810-0001", "092-555-0300"])

            .Heading1("Contacts")
            .Bullets(
                "HR (People & Culture): hr@contoso.example, extension 2100",
                "IT Service Desk: extension 4357, open 8:00–20:00",
                "Facilities: facilities@contoso.example, extension 2300")
            .Build();

    private static byte[] ShainHandbookJa() =>
        new DocxBuilder("社員ハンドブック", "ja-JP")
            .Title("社員ハンドブック（2026年度版）")
            .Paragraph("コントソ・ジャパン株式会社　人事部（People & Culture）発行。本ハンドブックは2026年4月1日から適用され、東京・大阪・福岡の全社員を対象とします。就業規則と本ハンドブックの内容が異なる場合は、就業規則が優先されます。")
            .Paragraph(
                DocxBuilder.TextRun("本社は"),
                DocxBuilder.Ruby("東京", "とうきょう"),
                DocxBuilder.TextRun("都港区港南のコントソタワー18階にあります。大阪オフィスは梅田、福岡オフィスは天神にあります。"))

            .Heading1("勤務時間")
            .Paragraph("標準の所定労働時間は1日7時間30分で、休憩は60分です。当社はフレックスタイム制を採用しており、コアタイムは10:00〜15:00です。始業は7:00〜10:00、終業は15:00〜21:00の間で各自が選択できます。")
            .Bullets(
                "労働時間は1か月単位で清算します。",
                "出退勤の時刻は翌営業日の10:00までに勤怠システムに記録してください。",
                "22:00以降の深夜勤務には上長の事前承認が必要です。",
                "時間外労働は月45時間・年360時間を上限とします。")

            .Heading1("有給休暇")
            .Heading2("付与日数")
            .Paragraph("入社6か月後に10日の年次有給休暇が付与され、その後は勤続年数に応じて毎年増え、最大20日となります。未使用分は翌年度に限り繰り越すことができます。年5日以上の取得は法律上の義務です。")
            .Heading2("有給休暇の申請方法")
            .Paragraph("申請は取得日の5営業日前までに勤怠システムで行ってください。上長が承認すると申請が確定します。")
            .Numbered(
                "勤怠システムにログインし、「休暇申請」を選択します。",
                "休暇の種類で「年次有給休暇」を選び、取得日（全日・午前半休・午後半休）を入力します。",
                "必要に応じてコメントを入力し、申請ボタンを押します。",
                "上長の承認後、チームのカレンダーに予定を登録します。")
            .Paragraph("急な病気などで当日に休む場合は、当日9:30までに上長へ連絡し、3営業日以内に勤怠システムで事後申請してください。")

            .Heading1("在宅勤務")
            .Paragraph("業務上可能な場合、在宅勤務は週3日まで認められます。在宅勤務を行う日は前営業日の終業までに勤怠システムで申請してください。")
            .Bullets(
                "社外から業務システムに接続する際は、必ず会社のVPN（Contoso Secure Connect）を使用してください。",
                "公共のWi-Fiを利用する場合もVPN接続が必須です。",
                "在宅勤務日もコアタイムは適用されます。",
                "在宅勤務手当として月額3,000円を給与と合わせて支給します。")

            .Heading1("経費精算")
            .Paragraph("経費は発生日から30日以内に経費精算システムで申請してください。30日を過ぎた申請は、部門長の承認がない限り受け付けません。すべての経費に領収書（写真可）の添付が必要です。")
            .Bullets(
                "タクシーの利用は、22時以降の移動、重い機材の運搬、公共交通機関が運行していない場合に限り認められます。",
                "接待費は事前に上長の承認が必要で、1人あたり10,000円が上限です。",
                "毎月10日までに承認された経費は、翌給与日に支払われます。")

            .Heading1("慶弔休暇")
            .Paragraph("慶弔休暇は有給の特別休暇です。事由が発生した日から1か月以内に、勤怠システムで「慶弔休暇」として申請してください。")
            .Table(
                ["事由", "日数"],
                ["本人の結婚", "5日"],
                ["配偶者の出産", "3日"],
                ["父母・配偶者・子の死亡", "5日"],
                ["祖父母・兄弟姉妹・配偶者の父母の死亡", "2日"])
            .Paragraph("弔事の場合、会社から弔電と供花を手配します。人事部（内線2100）へご連絡ください。")
            .Build();

    private static byte[] OfficeGuide() =>
        new PptxBuilder("Office Guide 2026", "en-US")
            .TitleSlide(
                "Office Guide 2026",
                "Contoso Japan K.K. - Tokyo, Osaka and Fukuoka",
                "Welcome everyone. This deck is shown at every onboarding session and is also available on the intranet.")
            .ContentSlide(
                "Tokyo head office",
                [
                    "Contoso Tower 18F-20F, 2-7-1 Konan, Minato-ku",
                    "Reception on 18F, open 8:30–19:00 on business days",
                    "Visitors must be registered in the Visitor system by 17:00 on the previous day",
                    "120 hot desks on 19F; book a desk in the Desk app",
                    "Meeting rooms are booked in Outlook",
                    "  Large rooms (Fuji, Aso) need Facilities approval for external events",
                ],
                "Remind new joiners that the staff entrance is on the east side and opens at 7:00. Badges are picked up from reception on the first day.")
            .TableSlide(
                "Our offices at a glance",
                ["Office", "Floors", "Desks", "Nearest station"],
                [
                    ["Tokyo (head office)", "18F-20F", "320", "Shinagawa, 6 min walk"],
                    ["Osaka", "9F", "80", "Umeda, 5 min walk"],
                    ["Fukuoka", "6F", "45", "Tenjin, 3 min walk"],
                ],
                "Desk numbers include hot desks. Osaka moved to the Umeda Riverside Building in 2025.")
            .ContentSlide(
                "Facilities and services",
                [
                    "Cafeteria on Tokyo 20F, lunch 11:30–14:00",
                    "Lockers: request one from Facilities (extension 2300)",
                    "Nursing room on 18F, key at reception",
                    "Bicycle parking in basement B1 (registration required)",
                    "Lost and found at reception, kept for 30 days",
                ],
                "The cafeteria accepts the employee badge as payment; the amount is deducted from salary.")
            .ContentSlide(
                "オフィスのご案内",
                [
                    "受付は東京本社18階です（平日8:30〜19:00）",
                    "来客は前日17:00までに来客システムで登録してください",
                    "会議室はOutlookで予約します",
                    "災害時の集合場所は港南中央公園です",
                    "忘れ物は受付で30日間保管します",
                ],
                "日本語のスライドです。防災訓練は毎年9月に実施します。")
            .Build();

    private static byte[] HolidayCalendar2026()
    {
        var workbook = new XlsxBuilder("Holiday calendar 2026", "en-US");
        var holidays = workbook.Sheet("Holidays 2026", 14, 34, 18, 14)
            .Header("Date", "Holiday", "祝日名", "Office closed");
        foreach (var (date, english, japanese) in new (DateOnly, string, string)[]
                 {
                     (new(2026, 1, 1), "New Year's Day", "元日"),
                     (new(2026, 1, 2), "New Year holidays (company)", "年始休暇"),
                     (new(2026, 1, 12), "Coming of Age Day", "成人の日"),
                     (new(2026, 2, 11), "National Foundation Day", "建国記念の日"),
                     (new(2026, 2, 23), "Emperor's Birthday", "天皇誕生日"),
                     (new(2026, 3, 20), "Vernal Equinox Day", "春分の日"),
                     (new(2026, 4, 29), "Showa Day", "昭和の日"),
                     (new(2026, 5, 3), "Constitution Memorial Day", "憲法記念日"),
                     (new(2026, 5, 4), "Greenery Day", "みどりの日"),
                     (new(2026, 5, 5), "Children's Day", "こどもの日"),
                     (new(2026, 5, 6), "Substitute holiday", "振替休日"),
                     (new(2026, 7, 20), "Marine Day", "海の日"),
                     (new(2026, 8, 11), "Mountain Day", "山の日"),
                     (new(2026, 9, 21), "Respect for the Aged Day", "敬老の日"),
                     (new(2026, 9, 22), "Citizens' Holiday", "国民の休日"),
                     (new(2026, 9, 23), "Autumnal Equinox Day", "秋分の日"),
                     (new(2026, 10, 12), "Sports Day", "スポーツの日"),
                     (new(2026, 11, 3), "Culture Day", "文化の日"),
                     (new(2026, 11, 23), "Labor Thanksgiving Day", "勤労感謝の日"),
                     (new(2026, 12, 29), "Year-end holidays (company)", "年末休暇"),
                     (new(2026, 12, 30), "Year-end holidays (company)", "年末休暇"),
                     (new(2026, 12, 31), "Year-end holidays (company)", "年末休暇"),
                 })
        {
            holidays.Row(date, english, japanese, "Yes");
        }

        workbook.Sheet("Notes", 100)
            .Header("Notes")
            .Row("All offices (Tokyo, Osaka, Fukuoka) close on Japanese national holidays and on company holidays.")
            .Row("Company holidays: 2 January and 29-31 December 2026. 3 January 2026 is a Saturday.")
            .Row("Customer Support keeps a holiday rota; check with your team lead.")
            .Row("When a national holiday falls on a Sunday, the next weekday is a substitute holiday (振替休日), e.g. 6 May 2026.")
            .Row("Summer leave: take 3 days of special summer leave between 1 July and 30 September.");
        return workbook.Build();
    }

    private static byte[] WelcomeGuide() =>
        new PdfBuilder("Welcome guide")
            .Title("Welcome to Contoso Japan K.K.")
            .Paragraph("We are glad you are joining us. This guide tells you what happens on your first day and who to contact for help. Keep it handy during your first month.")
            .Heading("Your first day")
            .Paragraph("Please arrive at 9:30 at the reception of the Tokyo head office, Contoso Tower 18F, 2-7-1 Konan, Minato-ku. Osaka and Fukuoka joiners start at their own office at the same time. Your manager or your onboarding buddy will meet you at reception.")
            .Heading("First-day checklist")
            .Bullets(
                "Bring your residence card or another photo ID, your My Number notification and your bank account details for payroll.",
                "Collect your security badge at reception; it opens the staff entrance from 7:00.",
                "Pick up your laptop from the IT Service Desk on 19F at 10:30.",
                "Set up multi-factor authentication (MFA) with the Microsoft Authenticator app and choose a password of at least 14 characters.",
                "Sign the Rules of Employment acknowledgement and the confidentiality agreement in the HR portal.",
                "Have lunch with your onboarding buddy (the company pays; claim it in the Expense portal).",
                "Book a 30-minute check-in with your manager for the end of the day.")
            .Heading("Your first week")
            .Bullets(
                "Complete the information security e-learning within 7 days of joining.",
                "Read the Employee Handbook, especially Working hours, Remote work and Expenses.",
                "Register your commuting route in the HR portal so that your commuting allowance is paid from the first month.",
                "Join the #welcome channel in Teams and introduce yourself.")
            .PageBreak()
            .Heading("Who to contact")
            .Paragraph("Most questions are answered in the Knowledge Portal. If you cannot find an answer, contact the right team directly:")
            .Bullets(
                "HR (People & Culture): contracts, leave, payroll questions. hr@contoso.example, extension 2100.",
                "Payroll: salary slips, tax, commuting allowance. payroll@contoso.example, extension 2150.",
                "IT Service Desk: laptop, accounts, MFA, VPN. Extension 4357, open 8:00-20:00, 19F.",
                "Facilities: badges, lockers, desks, meeting rooms. facilities@contoso.example, extension 2300.",
                "Your onboarding buddy: everyday questions during your first 3 months.",
                "Employee helpline (confidential, external): 0120-555-010, 24 hours.")
            .Heading("Important dates")
            .Bullets(
                "Salary is paid on the 25th of each month (the previous business day if the 25th is a holiday).",
                "Probation lasts 3 months and ends with a review meeting with your manager.",
                "New joiner orientation takes place on the first Wednesday of every month, 13:00-17:00.")
            .Paragraph("Welcome aboard! - People & Culture, Contoso Japan K.K.")
            .Build();
}
