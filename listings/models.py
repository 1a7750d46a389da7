"""Patents and other achievements on the market, their images, inquiries and technology demands."""
