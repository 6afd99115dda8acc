## issue 12 item 5: the progress pages on the web and `jointcheck progress link`
progress-web-city-title = Progress of the city (Art. 22)
progress-web-dept-title = Progress of { $department } (Art. 22)
progress-web-intro = Each department's tasks, subjects drawn, visits, results (on time and late) and open referrals, for the performance review.
progress-web-department = Department
progress-web-on-time = On time
progress-web-late = Late
progress-web-referrals = Referrals open
progress-web-total = Total
progress-web-csv = Download CSV
progress-web-xlsx = Download Excel (XLSX)
progress-web-refused-title = Link not valid
progress-web-refused = This link is not valid or has expired; ask the organiser for a new one.
cli-progress-link = Progress page link ({ $scope }, valid until { $until }):
cli-progress-no-department = There is no department { $code }.
