# A department's decision in one review round (services.vocabulary.ReviewDecision), shown as a state
review-line-pending = pending
review-line-approve = approved
review-line-return = returned
