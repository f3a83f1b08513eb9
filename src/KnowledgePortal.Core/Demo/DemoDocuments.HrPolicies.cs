using KnowledgePortal.Core.Demo.Builders;

namespace KnowledgePortal.Core.Demo;

public static partial class DemoDocuments
{
    private static byte[] SalaryBands2026()
    {
        var workbook = new XlsxBuilder("Salary bands 2026 (confidential)", "en-US");
        var bands = workbook.Sheet("Bands", 8, 24, 14, 14, 13)
            .Header("Grade", "Title", "Min (JPY)", "Max (JPY)", "Bonus months");
        foreach (var (grade, title, min, max, bonus) in new (string, string, long, long, double)[]
                 {
                     ("G1", "Associate", 3_600_000, 4_500_000, 2.0),
                     ("G2", "Specialist", 4_200_000, 5_400_000, 2.5),
                     ("G3", "Senior Specialist", 5_000_000, 6_600_000, 3.0),
                     ("G4", "Lead", 6_200_000, 8_000_000, 3.0),
                     ("G5", "Manager", 7_500_000, 9_800_000, 3.5),
                     ("G6", "Senior Manager", 9_000_000, 12_000_000, 4.0),
                     ("G7", "Director", 11_500_000, 15_500_000, 4.5),
                     ("G8", "Executive Director", 14_500_000, 20_000_000, 5.0),
                 })
        {
            bands.Row(grade, title, min, max, bonus);
        }

        workbook.Sheet("Notes", 110)
            .Header("Notes")
            .Row("CONFIDENTIAL - HR only. Do not share outside the HR policies collection.")
            .Row("Bands are annual base salary in JPY and are effective from 1 April 2026.")
            .Row("Bonus months are the target bonus as a multiple of monthly base salary (annual base / 12). Actual payout is 0-150% of target depending on the performance rating.")
            .Row("Bonuses are paid twice a year, in June and December.")
            .Row("Salaries above the band maximum are frozen until the band moves; salaries below the minimum are raised at the next review.")
            .Row("The Compensation Committee reviews the bands every February using external market data.")
            .Row("Questions: compensation@contoso.example (Tanaka Ken, HR manager).");
        return workbook.Build();
    }

    private static byte[] PerformanceReviewPolicy() =>
        new DocxBuilder("Performance Review Policy", "en-US")
            .Title("Performance Review Policy")
            .Paragraph("Contoso Japan K.K. HR policy HR-07, version 3.0, effective 1 April 2026. Owner: HR manager. Classification: confidential.")

            .Heading1("Purpose and scope")
            .Paragraph("This policy describes how performance is reviewed for all permanent and fixed-term employees of Contoso Japan K.K. Interns and contractors are out of scope. The Japanese Personnel Evaluation Rules (人事評価規程) are the binding version; this English policy explains them for managers and employees.")

            .Heading1("Review cycle")
            .Paragraph("There are two review cycles each year, in April and October.")
            .Bullets(
                "April cycle (full-year review): covers 1 October to 31 March. The rating decides the salary increase effective 1 July and the June bonus.",
                "October cycle (half-year review): covers 1 April to 30 September. The rating decides the December bonus.",
                "Self-assessments are due in the Talent portal by the 10th of April and October.",
                "Managers write their assessment and proposed rating by the 20th; ratings are final after calibration at the end of the month.")
            .Paragraph("Employees who joined less than 3 months before the end of a period receive a check-in conversation but no rating for that period.")

            .Heading1("Rating scale")
            .Paragraph("Performance is rated on a scale from 1 to 5. The rating combines results against goals (60%) and behaviours based on the Contoso values (40%).")
            .Table(
                ["Rating", "Label", "Meaning", "Guideline share"],
                ["5", "Exceptional", "Far exceeded all goals; role model for others", "up to 10%"],
                ["4", "Exceeds expectations", "Exceeded most goals", "up to 25%"],
                ["3", "Meets expectations", "Achieved goals; solid performance", "about 50-60%"],
                ["2", "Partially meets", "Missed some important goals", "as needed"],
                ["1", "Does not meet", "Missed most goals; improvement plan required", "as needed"])

            .Heading1("Calibration")
            .Paragraph("Calibration makes ratings fair and consistent across teams. Each department holds a calibration meeting in the last week of April and October, chaired by the HR business partner.")
            .Numbered(
                "Managers present proposed ratings with evidence for each team member.",
                "The group compares ratings against the guideline shares and discusses outliers.",
                "The department head decides the final ratings; HR records them in the Talent portal.",
                "Managers must not share a rating with the employee before calibration is complete.")

            .Heading1("Review conversation and appeals")
            .Paragraph("Managers hold a one-to-one review conversation within two weeks after calibration and explain the rating and the next goals. An employee who disagrees with the rating may file an appeal with HR within 14 days of being notified of the result. HR answers within 30 days; the decision of the appeal panel is final.")

            .Heading1("Ratings of 1 and 2")
            .Paragraph("A rating of 1 requires a Performance Improvement Plan (PIP) of 3 months with monthly check-ins. Two consecutive ratings of 2 also trigger a PIP. A PIP is supportive: the manager and HR agree concrete goals, training and support with the employee.")
            .Build();

    private static byte[] JinjiHyoukaKiteiJa() =>
        new DocxBuilder("人事評価規程", "ja-JP")
            .Title("人事評価規程")
            .Paragraph("コントソ・ジャパン株式会社　規程番号 HR-07　2026年4月1日改定")

            .Heading1("第1章　総則")
            .Heading2("第1条（目的）")
            .Paragraph("本規程は、社員の業績と行動を公正に評価し、処遇（昇給・賞与・昇格）および能力開発に反映させるための基準と手続きを定める。")
            .Heading2("第2条（適用範囲）")
            .Paragraph("本規程は、正社員および契約社員に適用する。インターンおよび業務委託者には適用しない。")

            .Heading1("第2章　評価の実施")
            .Heading2("第3条（評価期間）")
            .Paragraph("評価期間は年2回とし、次のとおりとする。")
            .Bullets(
                "上期：4月1日から9月30日まで（評価は10月に実施し、12月賞与に反映する）",
                "下期：10月1日から翌年3月31日まで（評価は4月に実施し、7月の昇給および6月賞与に反映する）")
            .Paragraph("評価期間の終了前3か月以内に入社した者は、当該期間の評価を行わない。")
            .Heading2("第4条（評価基準）")
            .Paragraph("評価は、業績評価（目標達成度）60%と行動評価（コントソ・バリューの実践）40%により行い、5段階（5〜1）で決定する。")
            .Table(
                ["評価", "区分", "基準"],
                ["5", "卓越", "すべての目標を大きく上回った"],
                ["4", "期待以上", "多くの目標を上回った"],
                ["3", "期待どおり", "目標を達成した"],
                ["2", "一部未達", "重要な目標の一部が未達成"],
                ["1", "未達", "大半の目標が未達成"])
            .Heading2("第5条（評価者）")
            .Paragraph("一次評価者は直属の上長、二次評価者は部門長とする。評価者は評価者研修を受講しなければならない。")
            .Heading2("第6条（キャリブレーション）")
            .Paragraph("部門ごとに評価調整会議（キャリブレーション）を開催し、人事部のビジネスパートナーが進行する。最終評価は部門長が決定する。")

            .Heading1("第3章　処遇への反映")
            .Heading2("第7条（昇給の決定方法）")
            .Paragraph("昇給は、直近の下期評価と上期評価の平均（小数点以下四捨五入）に基づき、次の昇給率表により決定し、毎年7月1日付で基本給に反映する。")
            .Table(
                ["年間評価", "昇給率"],
                ["5", "6.0%"],
                ["4", "4.0%"],
                ["3", "2.5%"],
                ["2", "1.0%"],
                ["1", "0%"])
            .Paragraph("昇給後の基本給が等級の上限額を超える場合は上限額までとし、超過分は一時金として支給する。等級の下限額を下回る場合は下限額まで引き上げる。")
            .Heading2("第8条（賞与）")
            .Paragraph("賞与は6月と12月に支給し、等級ごとの標準賞与月数に評価に応じた係数（0〜150%）を乗じて算定する。")

            .Heading1("第4章　異議申し立て")
            .Heading2("第9条（異議申し立て）")
            .Paragraph("評価結果に異議のある社員は、評価結果の通知日から14日以内に、人事ポータルの所定の様式により人事部へ申し立てることができる。")
            .Numbered(
                "人事部は申し立てを受理した日から30日以内に、人事部長・部門長・労働組合代表者で構成する評価審査委員会を開催する。",
                "委員会は評価者および申立人から事情を聴取し、評価の妥当性を審査する。",
                "審査結果は書面で申立人に通知し、委員会の決定をもって最終とする。")
            .Paragraph("異議申し立てを行ったことを理由に、申立人を不利益に取り扱ってはならない。")

            .Heading1("附則")
            .Paragraph("本規程は2026年4月1日から施行する。")
            .Build();

    private static byte[] ParentalLeavePolicy() =>
        new PdfBuilder("Parental leave policy")
            .Title("Parental Leave Policy")
            .Paragraph("Contoso Japan K.K. HR policy HR-12, version 2.1, effective 1 April 2026. This policy goes beyond the statutory minimum of the Child Care and Family Care Leave Act.")
            .Heading("Who is eligible")
            .Paragraph("All employees with a child under 2 years old, including adopted children and children in foster care, regardless of gender. Fixed-term employees are eligible unless their contract clearly ends before the child turns 18 months.")
            .Heading("How long you can take")
            .Bullets(
                "Parental leave can be taken for up to 2 years, until the child's second birthday. The statutory period is 1 year; Contoso extends it to 2 years for every employee without conditions.",
                "The leave can be split into up to 2 periods.",
                "Post-birth paternity leave (sango papa ikukyu): up to 4 weeks within 8 weeks after the birth, which can be split into 2 periods.",
                "Maternity leave (6 weeks before and 8 weeks after birth) is separate and is not counted towards parental leave.")
            .Heading("Pay during leave")
            .Paragraph("During parental leave the employment insurance system pays a childcare leave benefit (67% of wages for the first 180 days, then 50%). Contoso adds a company top-up so that you receive 80% of your base salary in total for the first 6 months of leave. After 6 months you receive the statutory benefit only.")
            .Bullets(
                "The top-up is paid with the monthly salary on the 25th.",
                "Social insurance contributions are waived during leave, so the take-home amount is close to your usual net pay.",
                "Bonus: the bonus for a period is prorated for the months you worked.")
            .PageBreak()
            .Heading("How to apply")
            .Bullets(
                "Tell your manager as early as you can; we recommend 3 months before the planned start.",
                "Submit the Parental Leave Request form in the HR portal at least 1 month before the start date (2 weeks for post-birth paternity leave).",
                "Attach the Maternal and Child Health Handbook page or another document showing the expected or actual date of birth.",
                "HR confirms the dates in writing within 5 business days and explains the benefit application, which HR files with Hello Work for you.",
                "To extend or end the leave early, submit a change request 2 weeks in advance.")
            .Heading("Returning to work")
            .Bullets(
                "You return to the same role or an equivalent role at the same grade.",
                "Short working hours (6 hours a day) are available until the child finishes the 3rd year of elementary school.",
                "Overtime and late-night work can be declined until the child starts elementary school.",
                "A return meeting with your manager and HR is held 2 weeks before you come back.",
                "Remote work up to 4 days a week is allowed for the first 3 months after return.")
            .Heading("Contact")
            .Paragraph("Questions about this policy: hr-leave@contoso.example or HR extension 2100. All requests are handled confidentially.")
            .Build();
}
